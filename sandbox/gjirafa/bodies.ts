/**
 * Request bodies of seed 004 (create, import, update), checked the way an ASP.NET model binder answers:
 * 400 with every problem as a string. Import never keeps the private key: it is only checked for PEM
 * armor (domain.md: "secret material that must never be logged, cached, or echoed").
 */
import { isValidHostname } from "../hostnames";
import { isRecord } from "../http";
import { SCOPE_OPTIONS } from "./model";
import { PRIVATE_KEY_LABELS, parsePem } from "./pem";
import { type CertificateInfo, parseCertificate } from "./x509";

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Let's Encrypt's limit of names per certificate. */
export const MAX_NAMES = 100;

const INT32_MAX = 2_147_483_647;

function checkScopeId(value: unknown, errors: string[]): number {
  if (value === undefined || value === null) {
    errors.push("The ScopeId field is required.");
    return 0;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > INT32_MAX) {
    errors.push(`The value '${String(value)}' is not valid for ScopeId.`);
    return 0;
  }
  if (!Object.values(SCOPE_OPTIONS).includes(value)) {
    const options = Object.entries(SCOPE_OPTIONS)
      .map(([name, id]) => `${name}=${id}`)
      .join(", ");
    errors.push(`Unknown ScopeId ${value}; valid scopes: ${options}.`);
  }
  return value;
}

const notObject = <T>(): Parsed<T> => ({
  ok: false,
  errors: ["A non-empty JSON object request body is required."],
});

export function parseCreate(
  body: unknown,
): Parsed<{ domainName: string; additionalNames: string[]; scopeId: number }> {
  if (!isRecord(body)) return notObject();
  const errors: string[] = [];
  const domain = body.domainName;
  if (typeof domain !== "string" || domain.trim() === "") errors.push("The DomainName field is required.");
  else if (!isValidHostname(domain)) errors.push(`'${domain}' is not a valid domain name.`);
  const extra = body.additionalDomainNames ?? [];
  const additional: string[] = [];
  if (!Array.isArray(extra)) errors.push("AdditionalDomainNames must be an array of domain names.");
  else {
    for (const name of extra) {
      if (typeof name !== "string" || !isValidHostname(name))
        errors.push(`'${String(name)}' is not a valid domain name.`);
      else if (
        name.toLowerCase() !== String(domain).toLowerCase() &&
        !additional.includes(name.toLowerCase())
      ) {
        additional.push(name.toLowerCase());
      }
    }
    if (additional.length + 1 > MAX_NAMES) errors.push(`A certificate may cover at most ${MAX_NAMES} names.`);
  }
  const scopeId = checkScopeId(body.scopeId, errors);
  if (errors.length > 0 || typeof domain !== "string") return { ok: false, errors };
  return { ok: true, value: { domainName: domain.toLowerCase(), additionalNames: additional, scopeId } };
}

export function parseUpdate(body: unknown): Parsed<{ scopeId: number }> {
  if (!isRecord(body)) return notObject();
  const errors: string[] = [];
  const scopeId = checkScopeId(body.scopeId, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { scopeId } };
}

export interface ImportBody {
  info: CertificateInfo;
  scopeId: number;
}

function certificateOf(pem: string, errors: string[]): CertificateInfo | null {
  const blocks = parsePem(pem);
  const first = blocks?.[0];
  if (blocks === null || first === undefined || blocks.length !== 1 || first.label !== "CERTIFICATE") {
    errors.push("CertificateBody must be one PEM encoded certificate (-----BEGIN CERTIFICATE-----).");
    return null;
  }
  try {
    return parseCertificate(first.der);
  } catch {
    errors.push("CertificateBody is not a valid X.509 certificate.");
    return null;
  }
}

export function parseImport(body: unknown): Parsed<ImportBody> {
  if (!isRecord(body)) return notObject();
  const errors: string[] = [];
  let info: CertificateInfo | null = null;
  if (typeof body.certificateBody !== "string" || body.certificateBody.trim() === "") {
    errors.push("The CertificateBody field is required.");
  } else {
    info = certificateOf(body.certificateBody, errors);
  }
  const key = body.certificatePrivateKey;
  if (typeof key !== "string" || key.trim() === "")
    errors.push("The CertificatePrivateKey field is required.");
  else {
    const blocks = parsePem(key);
    if (blocks === null || blocks.length !== 1 || !PRIVATE_KEY_LABELS.includes(blocks[0]?.label ?? "")) {
      errors.push("CertificatePrivateKey must be one PEM encoded private key.");
    }
  }
  const chain = body.certificateChain;
  if (typeof chain !== "string") errors.push("The CertificateChain field is required.");
  else if (chain.trim() !== "") {
    const blocks = parsePem(chain);
    if (blocks === null || blocks.some((b) => b.label !== "CERTIFICATE")) {
      errors.push("CertificateChain must be PEM encoded certificates.");
    }
  }
  const scopeId = checkScopeId(body.scopeId, errors);
  if (info !== null && info.subjectCommonName === null && info.dnsNames.length === 0) {
    errors.push("The certificate names no domain (no subject CN, no DNS subjectAltName).");
  }
  if (errors.length > 0 || info === null) return { ok: false, errors };
  return { ok: true, value: { info, scopeId } };
}
