/**
 * Just enough of an X.509 certificate (RFC 5280 section 4.1) to fill Gjirafa's detail fields for an
 * imported certificate (seed 004): subject CN and DNS SANs (domainName / additionalNames), issuer,
 * serial, validity, signature algorithm and public key. Names follow .NET's X509Certificate2 wording
 * ("sha256RSA", "RSA (2048 Bits)"), the platform the Gjirafa API is written on.
 */
import {
  bytesOf,
  childrenOf,
  DerError,
  expectTag,
  readOid,
  readString,
  readTime,
  readTlv,
  type Tlv,
  toHex,
} from "./der";

export interface CertificateInfo {
  subjectCommonName: string | null;
  dnsNames: string[];
  /** "CN=..., O=..., C=..." in certificate order. */
  issuer: string;
  /** Upper-case hex, leading zero bytes dropped. */
  serialNumber: string;
  notBefore: number;
  notAfter: number;
  signatureAlgorithm: string;
  publicKeyInfo: string;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const OID = 0x06;

const SIGNATURES: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1RSA",
  "1.2.840.113549.1.1.11": "sha256RSA",
  "1.2.840.113549.1.1.12": "sha384RSA",
  "1.2.840.113549.1.1.13": "sha512RSA",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.2.840.10045.4.3.2": "sha256ECDSA",
  "1.2.840.10045.4.3.3": "sha384ECDSA",
  "1.2.840.10045.4.3.4": "sha512ECDSA",
  "1.3.101.112": "Ed25519",
};

const CURVES: Record<string, number> = {
  "1.2.840.10045.3.1.7": 256,
  "1.3.132.0.34": 384,
  "1.3.132.0.35": 521,
};

const ATTRIBUTES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "S",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
};

const COMMON_NAME = "2.5.4.3";
const SUBJECT_ALT_NAME = "2.5.29.17";

function readName(buf: Uint8Array, name: Tlv): Array<{ oid: string; value: string }> {
  const out: Array<{ oid: string; value: string }> = [];
  for (const rdn of childrenOf(buf, name)) {
    for (const attribute of childrenOf(buf, rdn)) {
      const [type, value] = childrenOf(buf, attribute);
      if (value === undefined) continue;
      out.push({ oid: readOid(buf, expectTag(type, OID, "attribute type")), value: readString(buf, value) });
    }
  }
  return out;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const first = bytes[i];
  if (first === undefined) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first));
}

function describePublicKey(buf: Uint8Array, spki: Tlv): string {
  const [algorithm, key] = childrenOf(buf, spki);
  const [algOid, params] = childrenOf(buf, expectTag(algorithm, SEQUENCE, "key algorithm"));
  const oid = readOid(buf, expectTag(algOid, OID, "key algorithm oid"));
  if (oid === "1.2.840.113549.1.1.1") {
    const bits = expectTag(key, BIT_STRING, "public key");
    // A BIT STRING's first content byte counts unused bits; the RSAPublicKey SEQUENCE follows.
    const rsa = readTlv(buf, bits.start + 1);
    const [modulus] = childrenOf(buf, rsa);
    return `RSA (${bitLength(bytesOf(buf, expectTag(modulus, INTEGER, "modulus")))} Bits)`;
  }
  if (oid === "1.2.840.10045.2.1") {
    const curve = params !== undefined && params.tag === OID ? CURVES[readOid(buf, params)] : undefined;
    return curve === undefined ? "ECC" : `ECC (${curve} Bits)`;
  }
  if (oid === "1.3.101.112") return "Ed25519 (256 Bits)";
  return oid;
}

function readDnsNames(buf: Uint8Array, extensions: Tlv | undefined): string[] {
  if (extensions === undefined) return [];
  const list = childrenOf(buf, extensions)[0];
  if (list === undefined) return [];
  for (const extension of childrenOf(buf, list)) {
    const parts = childrenOf(buf, extension);
    if (readOid(buf, expectTag(parts[0], OID, "extension id")) !== SUBJECT_ALT_NAME) continue;
    const value = expectTag(parts.at(-1), OCTET_STRING, "extension value");
    const names = readTlv(buf, value.start);
    // GeneralName dNSName is [2] IMPLICIT IA5String (RFC 5280 section 4.2.1.6): tag 0x82.
    return childrenOf(buf, names)
      .filter((n) => n.tag === 0x82)
      .map((n) => new TextDecoder().decode(bytesOf(buf, n)));
  }
  return [];
}

export function parseCertificate(der: Uint8Array): CertificateInfo {
  const certificate = expectTag(readTlv(der, 0), SEQUENCE, "Certificate");
  if (certificate.end !== der.length) throw new DerError("trailing bytes after the certificate");
  const [tbs, signatureAlgorithm] = childrenOf(der, certificate);
  const fields = childrenOf(der, expectTag(tbs, SEQUENCE, "TBSCertificate"));
  // version is [0] EXPLICIT and optional (absent in v1 certificates).
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(fields[offset], INTEGER, "serialNumber");
  const issuer = expectTag(fields[offset + 2], SEQUENCE, "issuer");
  const validity = childrenOf(der, expectTag(fields[offset + 3], SEQUENCE, "validity"));
  const subject = expectTag(fields[offset + 4], SEQUENCE, "subject");
  const spki = expectTag(fields[offset + 5], SEQUENCE, "subjectPublicKeyInfo");
  const extensions = fields.slice(offset + 6).find((f) => f.tag === 0xa3);
  const [notBefore, notAfter] = validity;
  if (notBefore === undefined || notAfter === undefined)
    throw new DerError("expected notBefore and notAfter");
  const sigOid = readOid(
    der,
    expectTag(childrenOf(der, expectTag(signatureAlgorithm, SEQUENCE, "signature"))[0], OID, "oid"),
  );
  const serialHex = toHex(bytesOf(der, serial))
    .replace(/^(00)+(?=.)/, "")
    .toUpperCase();
  return {
    subjectCommonName: readName(der, subject).find((a) => a.oid === COMMON_NAME)?.value ?? null,
    dnsNames: readDnsNames(der, extensions),
    issuer: readName(der, issuer)
      .map((a) => `${ATTRIBUTES[a.oid] ?? `OID.${a.oid}`}=${a.value}`)
      .join(", "),
    serialNumber: serialHex,
    notBefore: readTime(der, notBefore),
    notAfter: readTime(der, notAfter),
    signatureAlgorithm: SIGNATURES[sigOid] ?? sigOid,
    publicKeyInfo: describePublicKey(der, spki),
  };
}
