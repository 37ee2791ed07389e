import { productionDeps } from "./deps";
import { createWorker } from "./worker";

const worker = createWorker(productionDeps());

export default {
  fetch: worker.fetch,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;

// Durable Object classes (bound in wrangler.toml): the runtime finds them among the main module's exports.
export { AuditLog } from "./durable/audit-log";
export { IdempotencyStore } from "./durable/idempotency-store";
export { MonitorAcks } from "./durable/monitor-acks";
export { MonitorLease } from "./durable/monitor-lease";
export { StatusSecretStore } from "./durable/status-secret-store";
export { UpstreamBudget } from "./durable/upstream-budget";

// Pack rotation (bound in wrangler.toml): the Workflow that runs it and the ledger of its state.
export { RotationLedger } from "./rotation/ledger";
export { RotationWorkflow } from "./rotation/workflow";
