/**
 * The few DER (ITU-T X.690) reading primitives an X.509 certificate needs: tag-length-value walking,
 * OIDs, strings and times. No dependency: the simulator runs in workerd and Node alike.
 */

export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the content. */
  end: number;
}

export class DerError extends Error {
  override readonly name = "DerError";
}

function byteAt(buf: Uint8Array, offset: number): number {
  const value = buf[offset];
  if (value === undefined) throw new DerError(`truncated DER at offset ${offset}`);
  return value;
}

/** Reads the element at `offset` (definite lengths only, as DER requires; X.690 section 10.1). */
export function readTlv(buf: Uint8Array, offset: number): Tlv {
  const tag = byteAt(buf, offset);
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not used in X.509");
  let length = byteAt(buf, offset + 1);
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byteAt(buf, start + i);
    start += count;
  }
  const end = start + length;
  if (end > buf.length) throw new DerError("DER element runs past the end of its input");
  return { tag, start, end };
}

/** The elements inside a constructed element. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const child = readTlv(buf, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

export function bytesOf(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.start, tlv.end);
}

/** Dotted OID (X.690 section 8.19). */
export function readOid(buf: Uint8Array, tlv: Tlv): string {
  const bytes = bytesOf(buf, tlv);
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0)
        parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

/** The string types X.509 names use: UTF8String, PrintableString, IA5String, T61String, BMPString. */
export function readString(buf: Uint8Array, tlv: Tlv): string {
  const bytes = bytesOf(buf, tlv);
  if (tlv.tag === 0x1e) {
    let out = "";
    for (let i = 0; i + 1 < bytes.length; i += 2)
      out += String.fromCharCode((bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0));
    return out;
  }
  if (tlv.tag === 0x14) return Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  return new TextDecoder().decode(bytes);
}

/** UTCTime (two-digit years: 50-99 are 19xx, RFC 5280 section 4.1.2.5.1) or GeneralizedTime, as epoch ms. */
export function readTime(buf: Uint8Array, tlv: Tlv): number {
  const text = new TextDecoder().decode(bytesOf(buf, tlv));
  const m =
    tlv.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) throw new DerError(`unsupported time ${text}`);
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (
    y === undefined ||
    mo === undefined ||
    d === undefined ||
    h === undefined ||
    mi === undefined ||
    s === undefined
  ) {
    throw new DerError(`unsupported time ${text}`);
  }
  const year = tlv.tag === 0x17 ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  return Date.UTC(year, mo - 1, d, h, mi, s);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
