/**
 * RotationWorkflow: runs the rotation engine (engine.ts) as a Cloudflare Workflow, so a rotation that
 * waits days for domain validation survives deploys and restarts, and each step is retried on its own
 * (https://developers.cloudflare.com/workflows/build/workers-api/). One instance per operation; the
 * instance id is the operation id (ids.ts) and its visible state lives in the zone's RotationLedger.
 *
 * This file is an entry point, like index.ts: the runtime makes the class, so it assembles what the
 * engine needs from the env at run time: the configuration (parsed like the app parses it), the
 * provider's rotation capability through the registry (providers/<name>/ owns its port), the platform's
 * fetch and clock, and the audit log, which records the two writes the instance makes itself (the order
 * of the replacement and the delete of the old pack) under the name of whoever started it.
 */
import {
  WorkflowEntrypoint,
  type WorkflowEvent,
  type WorkflowStep,
  type WorkflowStepConfig,
} from "cloudflare:workers";
import { createConfigLoader } from "../config/load";
import { productionDeps } from "../deps";
import { createRegistry } from "../providers/registry";
import { auditedJournal, rotationPortFor } from "../service/rotations";
import { type RotationOutcome, runRotation } from "./engine";
import { zoneOfOperation } from "./ids";
import { ledgerFor, ledgerJournal } from "./ledger-journal";
import { type RotationParams, RotationParamsSchema } from "./params";
import { PortError, type RotationPort } from "./port";
import { StepExhausted, type StepRunner, type StepValue } from "./runner";
import { RotationSettingsSchema } from "./settings";

export type { RotationParams } from "./params";

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

/** A port that refuses every call: the rotation then fails (upstream_error) with `message`, deleting nothing. */
function refusingPort(code: string, message: string): RotationPort {
  const refuse = async (): Promise<never> => {
    throw new PortError("rejected", code, message);
  };
  return { getPack: refuse, listPacks: refuse, quota: refuse, order: refuse, deletePack: refuse };
}

export class RotationWorkflow extends WorkflowEntrypoint<Env, RotationParams> {
  override async run(
    event: Readonly<WorkflowEvent<RotationParams>>,
    step: WorkflowStep,
  ): Promise<RotationOutcome> {
    // Parameters come from certgate's own start (start.ts); bad ones are a bug, and fail the instance.
    const params = RotationParamsSchema.parse(event.payload);
    if (zoneOfOperation(event.instanceId) !== params.zone) {
      throw new TypeError("RotationWorkflow: the instance id must be an operation id of the zone");
    }
    const deps = productionDeps();
    const loaded = createConfigLoader(createRegistry())(this.env);
    let journal = ledgerJournal(ledgerFor(this.env.ROTATION_LEDGER, params.zone), event.instanceId);
    let port: RotationPort;
    if (loaded.ok) {
      port =
        rotationPortFor(loaded.config, deps, params.provider, event.instanceId) ??
        refusingPort("not_supported_by_provider", `${params.provider} cannot rotate certificates here`);
      journal = auditedJournal(journal, {
        deps,
        config: loaded.config,
        operationId: event.instanceId,
        provider: params.provider,
        zone: params.zone,
        oldPackId: params.old_pack_id,
        requestedBy: params.requested_by ?? null,
      });
    } else {
      // Named, never with values (they may be secrets).
      const names = loaded.settings.map((s) => s.name).join(", ");
      port = refusingPort("config_invalid", `certgate's configuration is invalid (${names})`);
    }
    return runRotation(
      {
        operationId: event.instanceId,
        zone: params.zone,
        oldPackId: params.old_pack_id,
        settings: RotationSettingsSchema.parse(params.settings ?? {}),
      },
      { port, journal, runner: workflowRunner(step), now: () => deps.now() },
    );
  }
}
