/**
 * The rotation port over today's Cloudflare client (src/providers/cloudflare/client.ts): every call goes
 * through the upstream core (deadline, retries of GETs, zod on the answer, the error table), and its
 * AppErrors become PortErrors the engine can act on. Kept in src/rotation/ so the wiring can replace it
 * with a port over the provider layer without touching the engine.
 */
import { type Config, parseConfig } from "../config";
import { type Deps, productionDeps } from "../deps";
import { type AppError, type ErrorCode, isAppError } from "../errors";
import { readWriteAnswer } from "../providers/answers";
import {
  deleteCertificatePack,
  getCertificatePack,
  getCertificatePackQuota,
  listAllCertificatePacks,
  orderCertificatePack,
} from "../providers/cloudflare/client";
import { OrderBodySchema } from "../providers/cloudflare/requests";
import {
  type CertificatePack,
  CertificatePackSchema,
  type ValidationRecordWire,
} from "../providers/cloudflare/schemas";
import type { UpstreamContext } from "../providers/types";
import {
  type PackView,
  PortError,
  type PortErrorKind,
  type RotationPort,
  type ValidationRecord,
} from "./port";
import { isDeleting } from "./rules";

/** Cloudflare's "Bad response certificate service": seen when deleting a pack that is mid-deletion. */
const MID_DELETION_CODE = 1406;

/** Failures worth another attempt: the request may succeed later, or may already have succeeded. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "upstream_rate_limited",
  "upstream_unavailable",
  "upstream_timeout",
  "upstream_outcome_unknown",
  "upstream_invalid_response",
  "subrequest_budget_exhausted",
]);

function portError(error: AppError): PortError {
  const kind: PortErrorKind =
    error.code === "not_found" ? "not_found" : TRANSIENT.has(error.code) ? "transient" : "rejected";
  return new PortError(kind, error.code, error.message, { cause: error });
}

/** Runs a client call; AppErrors become PortErrors, anything else (a bug) is thrown as it is. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isAppError(error) ? portError(error) : error;
  }
}

function records(wire: readonly ValidationRecordWire[] | null | undefined): ValidationRecord[] {
  return (wire ?? []).map((r) => {
    const record: ValidationRecord = {};
    for (const key of [
      "txt_name",
      "txt_value",
      "http_url",
      "http_body",
      "cname",
      "cname_target",
      "status",
    ] as const) {
      const value = r[key];
      if (typeof value === "string") record[key] = value;
    }
    if (Array.isArray(r.emails)) record.emails = [...r.emails];
    return record;
  });
}

/** The wire pack, as the engine reads it. */
export function packView(pack: CertificatePack): PackView {
  const expiries = (pack.certificates ?? [])
    .map((c) => c.expires_on)
    .filter((e): e is string => typeof e === "string" && !Number.isNaN(Date.parse(e)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    id: pack.id,
    type: pack.type ?? null,
    status: pack.status ?? null,
    hosts: (pack.hosts ?? []).map((h) => h.toLowerCase()),
    validityDays: pack.validity_days ?? null,
    certificateAuthority: pack.certificate_authority ?? null,
    validationMethod: pack.validation_method ?? null,
    validationRecords: records(pack.validation_records),
    dcvDelegationRecords: records(pack.dcv_delegation_records),
    expiresOn: expiries[0] ?? null,
  };
}

export interface ClientPortOptions {
  config: Config;
  deps: Deps;
  /** Correlates the upstream log lines with the operation (its id). */
  requestId: string;
}

export function cloudflareClientPort({ config, deps, requestId }: ClientPortOptions): RotationPort {
  // One deadline per call: a port outlives any single request (a rotation runs for days).
  const ctx = (): UpstreamContext => ({
    deps,
    config,
    requestId,
    deadline: deps.now() + config.upstream.deadlineMs,
  });

  const getPack = async (zone: string, id: string): Promise<PackView | null> => {
    try {
      return packView((await call(() => getCertificatePack(ctx(), zone, id))).result);
    } catch (error) {
      if (error instanceof PortError && error.kind === "not_found") return null;
      throw error;
    }
  };

  return {
    getPack,
    listPacks: async (zone) => (await call(() => listAllCertificatePacks(ctx(), zone))).items.map(packView),
    async quota(zone) {
      const advanced = (await call(() => getCertificatePackQuota(ctx(), zone))).result.advanced;
      return { allocated: advanced?.allocated ?? null, used: advanced?.used ?? null };
    },
    async order(zone, request) {
      const body = OrderBodySchema.safeParse({
        type: "advanced",
        hosts: request.hosts,
        validation_method: request.validationMethod,
        validity_days: request.validityDays,
        certificate_authority: request.certificateAuthority,
      });
      if (!body.success)
        throw new PortError("rejected", "validation_failed", "the replacement's order is not valid");
      const answer = await call(() => orderCertificatePack(ctx(), zone, body.data));
      const read = readWriteAnswer(CertificatePackSchema, answer, {
        label: "Cloudflare",
        operation: "order",
        listHint: "the zone's packs",
        secrets: config.secrets,
      });
      if (read.raw === null) {
        // Accepted, but without a readable id: transient, so the next attempt finds the pack by listing.
        throw new PortError(
          "transient",
          "upstream_invalid_response",
          "Cloudflare accepted the order but its answer could not be read",
        );
      }
      return packView(read.raw);
    },
    async deletePack(zone, id) {
      const current = await getPack(zone, id);
      if (current === null) throw new PortError("not_found", "not_found", `pack ${id} not found`);
      if (isDeleting(current.status)) return "already_deleted";
      try {
        await call(() => deleteCertificatePack(ctx(), zone, id));
        return "deleted";
      } catch (error) {
        // A 1406 means "already deleting" only when a fresh read confirms it.
        const midDeletion =
          error instanceof PortError &&
          isAppError(error.cause) &&
          error.cause.details.upstream_code === MID_DELETION_CODE;
        if (midDeletion) {
          const after = await getPack(zone, id);
          if (after === null || isDeleting(after.status)) return "already_deleted";
        }
        throw error;
      }
    },
  };
}

/**
 * The port the Workflow builds at run time from its env: the worker's own configuration and the
 * platform's fetch and clock. A configuration that does not parse makes every call a refusal that names
 * the faulty settings (never their values).
 */
export function cloudflarePortFromEnv(env: Env, operationId: string): RotationPort {
  const parsed = parseConfig({ ...env });
  if (!parsed.ok) {
    const names = parsed.settings.map((s) => s.name).join(", ");
    const refuse = async (): Promise<never> => {
      throw new PortError("rejected", "config_invalid", `certgate's configuration is invalid (${names})`);
    };
    return { getPack: refuse, listPacks: refuse, quota: refuse, order: refuse, deletePack: refuse };
  }
  return cloudflareClientPort({ config: parsed.config, deps: productionDeps(), requestId: operationId });
}
