import { productionDeps } from "./deps";
import { createWorker } from "./worker";

const worker = createWorker(productionDeps());

export default {
  fetch: worker.fetch,
  scheduled: worker.scheduled,
} satisfies ExportedHandler<Env>;
