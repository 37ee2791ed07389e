/**
 * PEM checks for certificate imports (RFC 7468 armor), run BEFORE anything is sent upstream:
 * - certificate: exactly one `CERTIFICATE` block;
 * - chain: empty (or only whitespace), or one or more `CERTIFICATE` blocks. Seed 004 lists the
 *   `certificateChain` FIELD as mandatory but not its content (a leaf signed directly by a root, or a
 *   server that sends its own chain, has none), and certgate's unified schema and OpenAPI make `chain`
 *   optional (default ""); an empty chain is sent as "" (`chainToSend`);
 * - private key: exactly one `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY`
 *   (SEC 1) block. Encrypted keys are refused: the upstream cannot use a key without its passphrase.
 * Every block's body must be base64 that decodes; a certificate must also start as DER (an ASN.1
 * SEQUENCE, byte 0x30). Only whitespace may sit between blocks. The key's bytes are not inspected further.
 *
 * Failures are 400 `validation_failed` naming the FIELD, never echoing the value (private keys are secret;
 * domain.md: import material must never be logged, cached or echoed). Exported for the unified import route.
 */
import { AppError } from "../../errors";

export type PemKind = "certificate" | "chain" | "private_key";

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const KEY_LABELS: ReadonlySet<string> = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]);

interface Block {
  label: string;
  bytes: Uint8Array;
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
  const blocks: Block[] = [];
  let outside = "";
  let last = 0;
  for (const match of text.matchAll(BLOCK)) {
    outside += text.slice(last, match.index);
    last = match.index + match[0].length;
    const bytes = decodeBase64(match[2] ?? "");
    if (bytes === null) return `the ${match[1]} block is not valid base64`;
    blocks.push({ label: match[1] ?? "", bytes });
  }
  outside += text.slice(last);
  if (blocks.length === 0) return "is not PEM (no -----BEGIN ...----- / -----END ...----- block)";
  if (outside.trim() !== "") return "has text outside its PEM blocks";
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
