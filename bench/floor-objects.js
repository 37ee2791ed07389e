// The floor for start-up (figure 5b): a trivial fetch handler plus empty classes under the names of
// certgate's Durable Objects and Workflow, so Miniflare starts it with the same bindings as certgate
// (lib/worker.ts, `objects: true`) and the difference in start-up is certgate's bundle alone.
// Self-contained: Miniflare parses a relative import of a .js file as CommonJS.
import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";

export default {
  async fetch() {
    return new Response("floor");
  },
};
export class UpstreamBudget extends DurableObject {}
export class MonitorLease extends DurableObject {}
export class MonitorAcks extends DurableObject {}
export class IdempotencyStore extends DurableObject {}
export class AuditLog extends DurableObject {}
export class RotationLedger extends DurableObject {}
export class StatusSecretStore extends DurableObject {}
export class RotationWorkflow extends WorkflowEntrypoint {
  async run() {}
}
