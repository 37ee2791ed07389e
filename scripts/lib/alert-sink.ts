/// <reference types="node" />
/**
 * A tiny webhook receiver for the demo: the monitor's digests (src/monitor/alerts/webhook.ts,
 * type "certgate.monitor.digest") are printed to the console as they arrive, so alerts are visible
 * without a Slack workspace. Answers 204 to every POST (a 2xx is what clears the monitor's outbox).
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { LOOPBACK } from "./ports";

export interface AlertSink {
  url: string;
  close(): Promise<void>;
  /** Digests received so far. */
  received(): number;
}

/** At most this much of a request body is read (the monitor's digests are far smaller). */
const MAX_BODY = 1_048_576;

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY) break;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

/** One line per notification of a digest; anything unexpected is printed as received. */
export function formatDigest(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body.notifications)) return [`  ${JSON.stringify(body)}`];
  const summary = isRecord(body.summary) ? body.summary : {};
  const open = isRecord(summary.open_problems) ? summary.open_problems : {};
  const lines = [
    `  run ${str(body.run_id)}: ${body.notifications.length} notification(s); open problems: ` +
      `${str(open.critical)} critical, ${str(open.warning)} warning`,
  ];
  for (const n of body.notifications) {
    if (!isRecord(n)) continue;
    const p = isRecord(n.problem) ? n.problem : {};
    const scope = isRecord(p.scope) ? `${str(p.scope.kind)} ${str(p.scope.id)}` : str(p.scope);
    lines.push(
      `  - ${str(n.event).padEnd(11)} ${str(p.severity).padEnd(8)} ${str(p.kind)} [${str(p.provider)} ${scope}] ${str(p.message)}`,
    );
  }
  return lines;
}

export function serveAlertSink(port: number, print: (line: string) => void): Promise<AlertSink> {
  let count = 0;
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      if (req.method !== "POST") {
        res.writeHead(405, { allow: "POST" }).end();
        return;
      }
      readText(req)
        .then((text) => {
          count += 1;
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: printed as text below.
          }
          print(`[alert sink] digest #${count} at ${new Date().toISOString()}`);
          for (const line of formatDigest(body)) print(line);
          res.writeHead(204).end();
        })
        .catch(() => res.writeHead(400).end());
    });
    server.once("error", reject);
    server.listen(port, LOOPBACK, () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${LOOPBACK}:${address.port}/alerts`,
        received: () => count,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
