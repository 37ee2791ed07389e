/**
 * Every route of the app, in mounting order: the public ones, each provider's native door (from the
 * registry), then the unified API. Adding a route is writing its declaration file and adding it here.
 */
import type { SessionKeys } from "../auth/status-session";
import type { ListCache } from "../cache";
import type { ConfigResult } from "../config/load";
import type { Route } from "../http/route";
import { createInventory } from "../inventory/inventory";
import type { AppRegistry } from "../providers/registry";
import type { CertificateService } from "../service/certificates";
import type { Rotations } from "../service/rotations";
import { docsRoutes } from "./docs";
import { healthRoutes } from "./health";
import { metricsRoutes } from "./metrics";
import { statusRoutes } from "./status";
import { auditRoutes } from "./v1/audit";
import { certificateRoutes } from "./v1/certificate";
import { certificatesRoutes } from "./v1/certificates";
import { operationsRoutes } from "./v1/operations";
import { quotasRoutes } from "./v1/quotas";
import { reportRoutes } from "./v1/report";
import { reportAckRoutes } from "./v1/report-acks";
import { v1Schemas } from "./v1/schemas";
import { usageRoutes } from "./v1/usage";

export interface RouteDeps {
  registry: AppRegistry;
  service: CertificateService;
  listCache: ListCache;
  rotations: Rotations;
  loadConfig: (env: object) => ConfigResult;
  /** Signs and checks the status page's sessions (shared with the authenticator). */
  sessionKeys: SessionKeys;
}

export function appRoutes({
  registry,
  service,
  listCache,
  rotations,
  loadConfig,
  sessionKeys,
}: RouteDeps): Route[] {
  const schemas = v1Schemas(registry);
  const names = registry.descriptors.map((d) => d.name);
  const routes: Route[] = [];
  routes.push(
    ...healthRoutes(loadConfig),
    ...docsRoutes(() => routes, names),
    ...registry.nativeRoutes(service),
    ...certificatesRoutes(service, schemas),
    ...certificateRoutes(service, schemas),
    ...quotasRoutes(service, schemas),
    ...reportRoutes(listCache),
    ...operationsRoutes(rotations, schemas),
    ...auditRoutes(),
    ...reportAckRoutes(),
    ...usageRoutes(),
  );
  // The read-only views share one inventory (its per-isolate reads and derived certificates).
  const inventory = createInventory(listCache);
  routes.push(...metricsRoutes(inventory), ...statusRoutes(registry, inventory, sessionKeys));
  return routes;
}
