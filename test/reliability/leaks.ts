/**
 * Leak detection: every secret certgate holds or is handed (upstream tokens and keys of the demo, every
 * API key of the suite, private keys made at test time), and a scan that reports which one a text
 * contains. Private keys are matched by their PEM body and by any 24-character window of its base64,
 * so a key that leaks re-wrapped, cut or JSON-escaped is still found.
 */
import {
  DEMO_CLOUDFLARE_KEY,
  DEMO_CLOUDFLARE_READ_TOKEN,
  DEMO_CLOUDFLARE_TOKEN,
  DEMO_GJIRAFA_API_KEY,
} from "../../sandbox";
import { ALL_KEYS } from "./suite";

const WINDOW = 24;

export interface Secret {
  name: string;
  value: string;
}

export function baseSecrets(): Secret[] {
  return [
    { name: "Cloudflare upstream token", value: DEMO_CLOUDFLARE_TOKEN },
    { name: "Cloudflare read-only upstream token", value: DEMO_CLOUDFLARE_READ_TOKEN },
    { name: "Cloudflare global API key", value: DEMO_CLOUDFLARE_KEY },
    { name: "Gjirafa upstream key", value: DEMO_GJIRAFA_API_KEY },
    ...ALL_KEYS.map((k) => ({ name: `API key ${k.entry.name}`, value: k.key })),
  ];
}

export function createLeakDetector(secrets: readonly Secret[], privateKeysBase64: readonly string[] = []) {
  const windows = new Map<string, string>();
  privateKeysBase64.forEach((b64, i) => {
    for (let at = 0; at + WINDOW <= b64.length; at += 1)
      windows.set(b64.slice(at, at + WINDOW), `private key #${i + 1}`);
  });
  return {
    /** The name of the first secret `text` contains, or null. */
    find(text: string): string | null {
      for (const s of secrets) if (text.includes(s.value)) return s.name;
      if (windows.size > 0) {
        // Base64 may sit behind JSON escapes (\n, \/): compare on the text without them.
        const compact = text.replace(/\\[nr]|\s/g, "").replace(/\\\//g, "/");
        for (let at = 0; at + WINDOW <= compact.length; at += 1) {
          const hit = windows.get(compact.slice(at, at + WINDOW));
          if (hit) return hit;
        }
      }
      return null;
    },
  };
}

export type LeakDetector = ReturnType<typeof createLeakDetector>;

/** A response's headers as text, for the scan. */
export function headerText(headers: Headers): string {
  const lines: string[] = [];
  headers.forEach((value, name) => {
    lines.push(`${name}: ${value}`);
  });
  return lines.join("\n");
}
