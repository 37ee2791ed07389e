/// <reference types="node" />
/**
 * Node-only: serves a simulator on a loopback port with node:http, for `npm start`, benchmarks and
 * manual curl sessions. Not re-exported from index.ts (workerd has no node:http). A fault that rejects
 * (reset) destroys the socket, so the client sees a real connection reset; a hang ends when the client
 * goes away. Bodies are streamed, so slow_body trickles over the wire too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimulatorFetch } from "./pipeline";

export interface ServedSimulator {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  port: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
  return chunks.length === 0 ? undefined : new Uint8Array(Buffer.concat(chunks));
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

async function handle(fetch: SimulatorFetch, base: string, req: IncomingMessage, res: ServerResponse) {
  const aborter = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) aborter.abort(new Error("client disconnected"));
  });
  const body = await readBody(req);
  let response: Response;
  try {
    const init: RequestInit = {
      method: req.method ?? "GET",
      headers: toHeaders(req),
      signal: aborter.signal,
    };
    if (body !== undefined) init.body = body;
    response = await fetch(new URL(req.url ?? "/", base), init);
  } catch {
    req.socket.destroy();
    return;
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

/** Serves `fetch` on 127.0.0.1 (port 0: any free port). */
export function serveSimulator(
  fetch: SimulatorFetch,
  port = 0,
  host = "127.0.0.1",
): Promise<ServedSimulator> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer((req, res) => {
      const base = `http://${req.headers.host ?? `${host}:${port}`}`;
      handle(fetch, base, req, res).catch(() => req.socket.destroy());
    });
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
