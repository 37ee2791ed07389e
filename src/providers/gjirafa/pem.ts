/**
 * PEM checks for certificate imports (RFC 7468 armor), run BEFORE anything is sent upstream:
 * - certificate: exactly one `CERTIFICATE` block;
 * - chain: empty (or only whitespace), or one or more `CERTIFICATE` blocks. Gjirafa's documentation lists the
 *   `certificateChain` FIELD as mandatory but not its content (a leaf signed directly by a root, or a
 *   server that sends its own chain, has none), and certgate's unified schema and OpenAPI make `chain`
 *   optional (default ""); an empty chain is sent as "" (`chainToSend`);
 * - private key: exactly one `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY`
 *   (SEC 1) block. Encrypted keys are refused: the upstream cannot use a key without its passphrase.
 * Every block's body must be base64 that decodes; a certificate must also start as DER (an ASN.1
 * SEQUENCE, byte 0x30). Only whitespace may sit between blocks. The key's bytes are not inspected further.
 *
 * Failures are 400 `validation_failed` naming the FIELD, never echoing the value (private keys are secret;
 * import material must never be logged, cached or echoed).
 */
import { AppError } from "../../errors";

export type PemKind = "certificate" | "chain" | "private_key";

const KEY_LABELS: ReadonlySet<string> = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]);
const BEGIN = "-----BEGIN ";
const END = "-----END ";
const DASHES = "-----";

interface Block {
  label: string;
  bytes: Uint8Array;
}

interface Marker {
  /** Index of the marker's first dash. */
  start: number;
  /** Index just past the marker's closing dashes. */
  end: number;
  label: string;
}

export interface ScannedPem {
  blocks: Array<{ label: string; body: string }>;
  /** Everything that is not inside a block. */
  outside: string;
}

function isLabelChar(code: number): boolean {
  // RFC 7468 labels as certgate accepts them: A-Z, 0-9 and space.
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 32;
}

/**
 * Every `<prefix><LABEL>-----` in `text`, left to right, in ONE pass: `indexOf` moves forward only and a
 * label is the maximal run of label characters after the prefix (labels hold no dash, so the runs of two
 * markers never overlap). Linear in the text, whatever it holds.
 */
function markers(text: string, prefix: string): Marker[] {
  const found: Marker[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(prefix, from);
    if (start < 0) return found;
    let i = start + prefix.length;
    while (i < text.length && isLabelChar(text.charCodeAt(i))) i++;
    if (i > start + prefix.length && text.startsWith(DASHES, i)) {
      found.push({ start, end: i + DASHES.length, label: text.slice(start + prefix.length, i) });
    }
    // The next prefix may start inside this one's dashes ("-----BEGIN -----BEGIN X-----").
    from = start + 1;
  }
}

/**
 * The blocks of `text` as `-----BEGIN L-----(body)-----END L-----`, leftmost first, each ending at the
 * first END of its own label after it; anything else is "outside". Same answer as the regular expression
 * `/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g`, but that pattern rescans the rest of the text
 * for every BEGIN without an END (quadratic: 250 KB of BEGIN lines took seconds). Here the markers are
 * found once and every label's END positions are consumed through one forward cursor: O(text length).
 */
export function scanBlocks(text: string): ScannedPem {
  const ends = new Map<string, { positions: Marker[]; next: number }>();
  for (const marker of markers(text, END)) {
    const list = ends.get(marker.label);
    if (list) list.positions.push(marker);
    else ends.set(marker.label, { positions: [marker], next: 0 });
  }
  const blocks: ScannedPem["blocks"] = [];
  let outside = "";
  let last = 0;
  for (const begin of markers(text, BEGIN)) {
    if (begin.start < last) continue; // inside the block matched before
    const list = ends.get(begin.label);
    if (!list) continue;
    // Cursors only move forward: BEGINs come in order, so an END before this one is before every later one.
    let end = list.positions[list.next];
    while (end && end.start < begin.end) end = list.positions[++list.next];
    if (!end) continue;
    outside += text.slice(last, begin.start);
    blocks.push({ label: begin.label, body: text.slice(begin.end, end.start) });
    last = end.end;
    list.next++;
  }
  outside += text.slice(last);
  return { blocks, outside };
}

function decodeBase64(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    return null;
  try {
    return Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The blocks of `text`, or a reason (that never quotes the text). */
function blocksOf(text: string): Block[] | string {
  const scanned = scanBlocks(text);
  const blocks: Block[] = [];
  for (const block of scanned.blocks) {
    const bytes = decodeBase64(block.body);
    if (bytes === null) return `the ${block.label} block is not valid base64`;
    blocks.push({ label: block.label, bytes });
  }
  if (blocks.length === 0) return "is not PEM (no -----BEGIN ...----- / -----END ...----- block)";
  if (scanned.outside.trim() !== "") return "has text outside its PEM blocks";
  return blocks;
}

/** Why `text` is not PEM of `kind`, or null when it is. */
export function pemProblem(text: unknown, kind: PemKind): string | null {
  if (kind === "chain" && typeof text === "string" && text.trim() === "") return null;
  if (typeof text !== "string" || text.trim() === "") return "is required";
  const blocks = blocksOf(text);
  if (typeof blocks === "string") return blocks;
  if (kind === "private_key") {
    const [first] = blocks;
    if (blocks.length !== 1 || !first) return "must be exactly one private key block";
    if (first.label === "ENCRYPTED PRIVATE KEY") return "must be an unencrypted private key";
    if (!KEY_LABELS.has(first.label)) return "must be a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block";
    return null;
  }
  if (kind === "certificate" && blocks.length !== 1) return "must be exactly one CERTIFICATE block";
  for (const block of blocks) {
    if (block.label !== "CERTIFICATE") return `must hold CERTIFICATE blocks only (found ${block.label})`;
    if (block.bytes[0] !== 0x30) return "holds a CERTIFICATE block that is not DER";
  }
  return null;
}

/** The chain as sent upstream: "" when it holds nothing but whitespace, else unchanged. */
export function chainToSend(chain: string): string {
  return chain.trim() === "" ? "" : chain;
}

export interface PemField {
  /** Reported path, e.g. "body.private_key". */
  path: string;
  value: unknown;
  kind: PemKind;
}

/** Throws 400 `validation_failed` listing every field that is not PEM of its kind (names only, no values). */
export function assertPemFields(fields: readonly PemField[]): void {
  const problems = fields.flatMap((f) => {
    const problem = pemProblem(f.value, f.kind);
    return problem === null ? [] : [{ path: f.path, message: problem }];
  });
  if (problems.length > 0) {
    throw new AppError("validation_failed", `Invalid PEM: ${problems.map((p) => p.path).join(", ")}`, {
      fields: problems,
    });
  }
}

/** The unified import body's three PEM fields (ImportInput: certificate, private_key, chain). */
export function assertImportPem(
  input: { certificate: unknown; private_key: unknown; chain: unknown },
  prefix = "body",
): void {
  assertPemFields([
    { path: `${prefix}.certificate`, value: input.certificate, kind: "certificate" },
    { path: `${prefix}.private_key`, value: input.private_key, kind: "private_key" },
    { path: `${prefix}.chain`, value: input.chain, kind: "chain" },
  ]);
}
