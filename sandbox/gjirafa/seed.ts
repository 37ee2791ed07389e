/** Seeding Gjirafa certificates in any state (demo data, monitor tests). */
import { DAY } from "../clock";
import { behaviourOf } from "../hostnames";
import { randomHex } from "../ids";
import { challengeRecords } from "./issue";
import { GJIRAFA_STATUS, type GjirafaCertificate, ISSUED } from "./model";

export interface GjirafaCertificateSeed {
  /** int32; the next free id when omitted. */
  id?: number;
  domainName: string;
  additionalNames?: string[];
  /** Default "Gjirafa Issued". */
  certificateType?: "Gjirafa Issued" | "Imported";
  /** Free text (seed 004); default "Active". */
  status?: string;
  /** Default 1 (Project). */
  scopeId?: number;
  /** Epoch ms. Active default: now; notAfter default: notBefore + 90 days. */
  notBefore?: number;
  notAfter?: number;
  issuer?: string;
  serialNumber?: string;
  distributionId?: string | null;
  lastModified?: number;
}

export function certificateFromSeed(
  projectId: string,
  id: number,
  seed: GjirafaCertificateSeed,
  now: number,
): GjirafaCertificate {
  const status = seed.status ?? GJIRAFA_STATUS.active;
  const names = [seed.domainName, ...(seed.additionalNames ?? [])];
  const pending = status === GJIRAFA_STATUS.pendingValidation || status === GJIRAFA_STATUS.failed;
  const notBefore = seed.notBefore ?? (pending ? null : now);
  const notAfter = seed.notAfter ?? (notBefore === null ? null : notBefore + ISSUED.validityDays * DAY);
  const imported = seed.certificateType === "Imported";
  const records = imported ? [] : challengeRecords(names);
  return {
    id,
    projectId,
    scopeId: seed.scopeId ?? 1,
    sslCertificateId: crypto.randomUUID(),
    distributionId: seed.distributionId ?? null,
    domainName: seed.domainName,
    additionalNames: [...(seed.additionalNames ?? [])],
    publicKeyInfo: pending ? null : ISSUED.publicKeyInfo,
    signatureAlgorithm: pending ? null : ISSUED.signatureAlgorithm,
    issuer: pending
      ? null
      : (seed.issuer ?? (imported ? "CN=Example Imported CA, O=Example, C=US" : ISSUED.issuer)),
    certificateType: seed.certificateType ?? "Gjirafa Issued",
    status,
    certificateChallenge: records[0]?.value ?? null,
    serialNumber: pending ? null : (seed.serialNumber ?? randomHex(16).toUpperCase()),
    dnsRecords: records,
    notBefore,
    notAfter,
    lastModified: seed.lastModified ?? now,
    behaviour: behaviourOf(names),
  };
}
