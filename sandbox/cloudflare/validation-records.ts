/**
 * The records a user must publish while a pack validates (seed 000 validation_records[] /
 * dcv_delegation_records[]; field meanings from seed 003). Values are fresh per validation attempt.
 */
import { baseHost } from "../hostnames";
import { acmeToken, randomHex } from "../ids";
import type { Pack, ValidationRecord } from "./model";

/** One record per host, shaped by the validation method. Wildcards can only be validated by TXT (RFC 8555 section 7.1.3). */
export function validationRecordsFor(pack: Pick<Pack, "hosts" | "validationMethod">): ValidationRecord[] {
  return pack.hosts.map((host) => {
    const name = baseHost(host);
    if (pack.validationMethod === "txt" || host.startsWith("*.")) {
      return { txt_name: `_acme-challenge.${name}`, txt_value: acmeToken(), status: "pending" };
    }
    if (pack.validationMethod === "http") {
      const token = acmeToken();
      return {
        http_url: `http://${name}/.well-known/acme-challenge/${token}`,
        http_body: `${token}.${acmeToken()}`,
        status: "pending",
      };
    }
    return {
      emails: ["administrator", "webmaster", "postmaster", "hostmaster", "admin"].map(
        (box) => `${box}@${name}`,
      ),
      status: "pending",
    };
  });
}

/** DCV delegation: one CNAME per distinct base name, pointing into Cloudflare's dcv zone (seed 003 example). */
export function dcvDelegationRecordsFor(pack: Pick<Pack, "hosts" | "zoneId">): ValidationRecord[] {
  const names = [...new Set(pack.hosts.map(baseHost))];
  return names.map((name) => ({
    cname: `_acme-challenge.${name}`,
    cname_target: `${name}.${randomHex(8)}.dcv.cloudflare.com`,
    status: "pending",
  }));
}
