/**
 * PEM armor (RFC 7468): `-----BEGIN <label>-----`, base64, `-----END <label>-----`. The import operation
 * (seed 004) takes the certificate, its key and its chain as PEM strings.
 */

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

function decodeBase64(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    return null;
  try {
    const binary = atob(compact);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Every PEM block in `text`; null when there is none, or one is not valid base64, or text sits between blocks. */
export function parsePem(text: string): PemBlock[] | null {
  const blocks: PemBlock[] = [];
  let rest = text;
  for (const match of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const der = decodeBase64(match[2] ?? "");
    if (der === null) return null;
    blocks.push({ label: match[1] ?? "", der });
    rest = rest.replace(match[0], "");
  }
  if (blocks.length === 0 || rest.trim() !== "") return null;
  return blocks;
}

/** Labels a private key may carry (PKCS#8, PKCS#1, SEC 1, encrypted PKCS#8). */
export const PRIVATE_KEY_LABELS = [
  "PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
];
