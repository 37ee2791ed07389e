/**
 * Reads a request body up to a byte limit, stopping (and cancelling the stream) as soon as it is
 * passed: a body is never buffered beyond the limit, whatever Content-Length claims.
 */
import { AppError } from "./errors";

export async function readBodyBytes(
  request: Request,
  maxBytes: number,
  tooLarge: string,
): Promise<Uint8Array> {
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AppError("payload_too_large", tooLarge);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
