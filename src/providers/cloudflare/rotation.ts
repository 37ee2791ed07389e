/**
 * Cloudflare's rotation capability: the rotation engine's port (src/rotation/port.ts) over a configured
 * instance. Every call goes through the instance's client and the upstream core (deadline, retries of
 * GETs, zod on the answer, the error table), with a fresh upstream context per call: a rotation runs for
 * days. The core's AppErrors become PortErrors the engine can act on: transient ones are retried by the
 * Workflow step, refusals and 404s are answers.
 */
import { type AppError, type ErrorCode, isAppError } from "../../errors";
import type { PackView, PortErrorKind, RotationPort, ValidationRecord } from "../../rotation/port";
import { PortError } from "../../rotation/port";
import type { UpstreamContext } from "../../upstream/context";
import { readWriteAnswer } from "../answers";
import type { CloudflareInstance } from "./instance";
import type { CertificatePack, ValidationRecordWire } from "./schemas";
import { CertificatePackSchema } from "./schemas";
import { toOrderBody } from "./unified";

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

/** Runs one upstream call; AppErrors become PortErrors, anything else (a bug) is thrown as it is. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isAppError(error) ? portError(error) : error;
  }
}

const RECORD_FIELDS = [
  "txt_name",
  "txt_value",
  "http_url",
  "http_body",
  "cname",
  "cname_target",
  "status",
] as const;

function records(wire: readonly ValidationRecordWire[] | null | undefined): ValidationRecord[] {
  return (wire ?? []).map((r) => {
    const record: ValidationRecord = {};
    for (const key of RECORD_FIELDS) {
      const value = r[key];
      if (typeof value === "string") record[key] = value;
    }
    if (Array.isArray(r.emails)) record.emails = [...r.emails];
    return record;
  });
}

/** A wire pack, as the engine reads it. */
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

export function cloudflareRotationPort(
  instance: CloudflareInstance,
  upstream: () => UpstreamContext,
): RotationPort {
  const { client } = instance;

  const getPack = async (zone: string, id: string): Promise<PackView | null> => {
    try {
      return packView((await call(() => client.getCertificatePack(upstream(), zone, id))).result);
    } catch (error) {
      if (error instanceof PortError && error.kind === "not_found") return null;
      throw error;
    }
  };

  return {
    getPack,
    listPacks: async (zone) =>
      (await call(() => client.listAllCertificatePacks(upstream(), zone))).items.map(packView),
    async quota(zone) {
      const advanced = (await call(() => client.getCertificatePackQuota(upstream(), zone))).result.advanced;
      return { allocated: advanced?.allocated ?? null, used: advanced?.used ?? null };
    },
    async order(zone, request) {
      const body = await call(async () =>
        toOrderBody({
          provider: "cloudflare",
          zone,
          hosts: request.hosts,
          validation_method: request.validationMethod,
          validity_days: request.validityDays,
          certificate_authority: request.certificateAuthority,
        }),
      );
      const ctx = upstream();
      const answer = await call(() => client.orderCertificatePack(ctx, zone, body));
      const read = readWriteAnswer(CertificatePackSchema, answer, {
        label: "Cloudflare",
        operation: "order",
        listHint: "the zone's packs",
        secrets: ctx.secrets,
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
      // The instance's idempotent delete: a pack already deleting (or a 1406 a fresh read confirms) is
      // "already deleted"; an unknown pack is a 404 (not_found), which the engine reads after its claim.
      const outcome = await call(() => instance.remove(upstream(), zone, id));
      return outcome.already_deleted ? "already_deleted" : "deleted";
    },
  };
}
