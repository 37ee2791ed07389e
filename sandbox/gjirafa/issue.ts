/**
 * Life of a Gjirafa-issued certificate: created "Pending Validation" with the TXT records Let's Encrypt
 * will check (domain.md: DNS validation only, `dnsRecords[{key,value}]` + `certificateChallenge`), then
 * `PUT .../validate` issues it for 90 days, unless the names are under a reserved test domain
 * (hostnames.ts): stall keeps it pending, timeout and fail mark it "Failed".
 */
import { DAY } from "../clock";
import { baseHost, FAIL_DOMAIN, isUnder } from "../hostnames";
import { acmeToken, randomHex } from "../ids";
import { GJIRAFA_STATUS, type GjirafaCertificate, ISSUED } from "./model";

export function challengeRecords(names: readonly string[]) {
  return names.map((name) => ({ key: `_acme-challenge.${baseHost(name)}`, value: acmeToken() }));
}

export interface ValidationOutcome {
  messages: string[];
}

export function validateIssued(cert: GjirafaCertificate, now: number): ValidationOutcome {
  const names = [cert.domainName, ...cert.additionalNames];
  if (cert.status === GJIRAFA_STATUS.active) return { messages: ["The certificate is already validated."] };
  cert.lastModified = now;
  switch (cert.behaviour) {
    case "stall":
      return {
        messages: [`DNS record ${cert.dnsRecords[0]?.key ?? ""} was not found yet; validation is pending.`],
      };
    case "timeout":
      cert.status = GJIRAFA_STATUS.failed;
      return { messages: ["Validation failed: timed out waiting for the DNS challenge records."] };
    case "fail": {
      cert.status = GJIRAFA_STATUS.failed;
      const host = names.find((n) => isUnder(n, FAIL_DOMAIN)) ?? cert.domainName;
      return { messages: [`Validation failed: SERVFAIL looking up CAA for ${baseHost(host)}`] };
    }
    case "normal":
      cert.status = GJIRAFA_STATUS.active;
      cert.notBefore = now;
      cert.notAfter = now + ISSUED.validityDays * DAY;
      cert.issuer = ISSUED.issuer;
      cert.signatureAlgorithm = ISSUED.signatureAlgorithm;
      cert.publicKeyInfo = ISSUED.publicKeyInfo;
      cert.serialNumber = randomHex(18).toUpperCase();
      return { messages: ["The certificate was validated and issued."] };
  }
}
