/**
 * RotationWorkflow: runs the rotation engine (engine.ts) as a Cloudflare Workflow, so a rotation that
 * waits days for domain validation survives deploys and restarts, and each step is retried on its own
 * (https://developers.cloudflare.com/workflows/build/workers-api/). One instance per operation; the
 * instance id is the operation id (ids.ts) and its visible state lives in the zone's RotationLedger.
 *
 * The port is built from the env at run time by `portFactory`; the wiring replaces the default (a port
 * over today's Cloudflare client) by assigning another factory in a subclass.
 */
import {
  WorkflowEntrypoint,
  type WorkflowEvent,
  type WorkflowStep,
  type WorkflowStepConfig,
} from "cloudflare:workers";
import * as z from "zod";
import { cloudflarePortFromEnv } from "./cloudflare-port";
import { type RotationOutcome, runRotation } from "./engine";
import { zoneOfOperation } from "./ids";
import { ledgerFor, ledgerJournal } from "./ledger-journal";
import type { RotationPort } from "./port";
import { StepExhausted, type StepRunner, type StepValue } from "./runner";
import { RotationSettingsSchema } from "./settings";

export const RotationParamsSchema = z.object({
  zone: z.string().regex(/^[0-9a-f]{32}$/, "a 32-hex zone id"),
  old_pack_id: z.string().min(1).max(32),
  settings: RotationSettingsSchema.optional(),
});
export type RotationParams = z.input<typeof RotationParamsSchema>;

export type RotationPortFactory = (env: Env, operationId: string) => RotationPort;

/**
 * Each step: up to 6 attempts, 30 s apart and doubling (30 s .. 8 min, 15.5 min in all), which outlasts
 * Cloudflare's 5-minute block after a rate-limit breach. The timeout bounds one attempt.
 */
export const STEP_CONFIG: WorkflowStepConfig = {
  retries: { limit: 5, delay: "30 seconds", backoff: "exponential" },
  timeout: "5 minutes",
};

/**
 * `step.do` constrains its result with `Rpc.Serializable<T>`, which TypeScript cannot check for a generic T
 * (TS2589). StepValue is JSON, which structured clone keeps as it is: this view of `step` says only that.
 */
interface JsonSteps {
  do<T extends StepValue>(name: string, config: WorkflowStepConfig, callback: () => Promise<T>): Promise<T>;
}

/** The engine's runner over a WorkflowStep. A step.do that throws has used up its retries. */
export function workflowRunner(step: WorkflowStep): StepRunner {
  const steps = step as unknown as JsonSteps;
  return {
    async do<T extends StepValue>(name: string, callback: () => Promise<T>): Promise<T> {
      try {
        return await steps.do(name, STEP_CONFIG, callback);
      } catch (error) {
        throw new StepExhausted(name, error instanceof Error ? error.message : String(error));
      }
    },
    sleep: (name, ms) => step.sleep(name, ms),
  };
}

export class RotationWorkflow extends WorkflowEntrypoint<Env, RotationParams> {
  protected portFactory: RotationPortFactory = cloudflarePortFromEnv;

  override async run(
    event: Readonly<WorkflowEvent<RotationParams>>,
    step: WorkflowStep,
  ): Promise<RotationOutcome> {
    // Parameters come from certgate's own start (start.ts); bad ones are a bug, and fail the instance.
    const params = RotationParamsSchema.parse(event.payload);
    if (zoneOfOperation(event.instanceId) !== params.zone) {
      throw new TypeError("RotationWorkflow: the instance id must be an operation id of the zone");
    }
    const journal = ledgerJournal(ledgerFor(this.env.ROTATION_LEDGER, params.zone), event.instanceId);
    return runRotation(
      {
        operationId: event.instanceId,
        zone: params.zone,
        oldPackId: params.old_pack_id,
        settings: RotationSettingsSchema.parse(params.settings ?? {}),
      },
      {
        port: this.portFactory(this.env, event.instanceId),
        journal,
        runner: workflowRunner(step),
        now: () => Date.now(),
      },
    );
  }
}
