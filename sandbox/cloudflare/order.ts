/**
 * Validation of an order body (POST .../certificate_packs/order). Rules from seed 001 (request schema:
 * all five fields required; hosts "must contain the zone apex, may not contain more than 50 hosts, and may
 * not be empty") and seed 003 (certificate_authority also accepts ssl_com). Every problem is reported, one
 * error each, as the real API lists several errors at once.
 */
import { baseHost, isValidHostname } from "../hostnames";
import { isRecord } from "../http";
import { CF_CODES, type CloudflareError } from "./errors";
import {
  CERTIFICATE_AUTHORITIES,
  type CertificateAuthority,
  VALIDATION_METHODS,
  VALIDITY_DAYS,
  type ValidationMethod,
  type ValidityDays,
} from "./model";

export const MAX_HOSTS = 50;

export interface Order {
  hosts: string[];
  validationMethod: ValidationMethod;
  validityDays: ValidityDays;
  certificateAuthority: CertificateAuthority;
  cloudflareBranding: boolean;
}

export type OrderResult = { ok: true; order: Order } | { ok: false; errors: CloudflareError[] };

function oneOf<T extends string | number>(allowed: readonly T[], value: unknown): value is T {
  return allowed.some((a) => a === value);
}

function hostErrors(hosts: unknown, apex: string): { hosts: string[]; errors: CloudflareError[] } {
  const fail = (message: string) => ({ hosts: [], errors: [{ code: CF_CODES.invalidHosts, message }] });
  if (!Array.isArray(hosts)) return fail("hosts is required and must be an array of host names");
  if (hosts.length === 0) return fail("hosts may not be empty");
  if (hosts.length > MAX_HOSTS) {
    return fail(`hosts may not contain more than ${MAX_HOSTS} hosts (got ${hosts.length})`);
  }
  const errors: CloudflareError[] = [];
  const names: string[] = [];
  const seen = new Set<string>();
  const zone = apex.toLowerCase();
  for (const raw of hosts) {
    if (typeof raw !== "string" || !isValidHostname(raw)) {
      errors.push({ code: CF_CODES.invalidHosts, message: `Invalid host name: ${JSON.stringify(raw)}` });
      continue;
    }
    const host = raw.toLowerCase();
    const base = baseHost(host);
    if (base !== zone && !base.endsWith(`.${zone}`)) {
      errors.push({ code: CF_CODES.invalidHosts, message: `Host ${raw} is not part of the zone ${apex}` });
    } else if (seen.has(host)) {
      errors.push({ code: CF_CODES.invalidHosts, message: `Duplicate host: ${raw}` });
    }
    seen.add(host);
    names.push(host);
  }
  if (errors.length === 0 && !seen.has(zone)) {
    errors.push({ code: CF_CODES.missingApex, message: `hosts must contain the zone apex ${apex}` });
  }
  return { hosts: names, errors };
}

/** The schema marks `errors` as uniqueItems: the same bad host twice is reported once. */
function unique(errors: CloudflareError[]): CloudflareError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.code}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function validateOrder(body: unknown, apex: string): OrderResult {
  if (!isRecord(body)) {
    return {
      ok: false,
      errors: [{ code: CF_CODES.invalidRequest, message: "Request body must be a JSON object" }],
    };
  }
  const errors: CloudflareError[] = [];
  if (body.type !== "advanced") {
    errors.push({ code: CF_CODES.invalidType, message: 'type must be "advanced"' });
  }
  const hosts = hostErrors(body.hosts, apex);
  errors.push(...hosts.errors);
  if (!oneOf(VALIDATION_METHODS, body.validation_method)) {
    errors.push({
      code: CF_CODES.invalidValidationMethod,
      message: "validation_method must be one of txt, http, email",
    });
  }
  if (!oneOf(VALIDITY_DAYS, body.validity_days)) {
    errors.push({
      code: CF_CODES.invalidValidityDays,
      message: "validity_days must be one of 14, 30, 90, 365",
    });
  }
  if (!oneOf(CERTIFICATE_AUTHORITIES, body.certificate_authority)) {
    errors.push({
      code: CF_CODES.invalidCertificateAuthority,
      message: "certificate_authority must be one of google, lets_encrypt, ssl_com",
    });
  }
  if (body.cloudflare_branding !== undefined && typeof body.cloudflare_branding !== "boolean") {
    errors.push({ code: CF_CODES.invalidBranding, message: "cloudflare_branding must be a boolean" });
  }
  if (
    errors.length > 0 ||
    !oneOf(VALIDATION_METHODS, body.validation_method) ||
    !oneOf(VALIDITY_DAYS, body.validity_days) ||
    !oneOf(CERTIFICATE_AUTHORITIES, body.certificate_authority)
  ) {
    return { ok: false, errors: unique(errors) };
  }
  return {
    ok: true,
    order: {
      hosts: hosts.hosts,
      validationMethod: body.validation_method,
      validityDays: body.validity_days,
      certificateAuthority: body.certificate_authority,
      cloudflareBranding: body.cloudflare_branding === true,
    },
  };
}
