/// <reference types="node" />
/**
 * Loopback ports for `npm start` and the benchmarks: the preferred port when it is free, otherwise any
 * free one (the OS picks it), so a second checkout or a busy 8787 never stops the demo.
 */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";

export const LOOPBACK = "127.0.0.1";

function tryListen(port: number, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen(port, host, () => {
      const { port: got } = server.address() as AddressInfo;
      server.close(() => resolve(got));
    });
  });
}

/** `preferred` if nothing listens there, else a free port chosen by the OS. */
export async function freePort(preferred: number, host = LOOPBACK): Promise<number> {
  const exact = await tryListen(preferred, host);
  if (exact !== null) return exact;
  const any = await tryListen(0, host);
  if (any === null) throw new Error(`no free port on ${host}`);
  return any;
}

/** Several distinct ports: each preferred one when free, never the same one twice. */
export async function freePorts(preferred: readonly number[], host = LOOPBACK): Promise<number[]> {
  const taken = new Set<number>();
  const out: number[] = [];
  for (const want of preferred) {
    let port = await freePort(want, host);
    while (taken.has(port)) port = await freePort(0, host);
    taken.add(port);
    out.push(port);
  }
  return out;
}
