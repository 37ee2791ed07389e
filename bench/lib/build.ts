/// <reference types="node" />
/**
 * Builds dist/index.js the way deploys do (`wrangler deploy --dry-run --outdir dist`, offline) and
 * reads wrangler's "Total Upload: X KiB / gzip: Y KiB" line for the bundle size.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

export interface BundleInfo {
  upload_kib: number;
  gzip_kib: number;
  build_seconds: number;
}

export function parseUploadLine(output: string): { upload: number; gzip: number } | null {
  const m = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
  return m ? { upload: Number(m[1]), gzip: Number(m[2]) } : null;
}

export function buildBundle(root: string): Promise<BundleInfo> {
  const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", "dist"], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const sizes = parseUploadLine(output);
      if (code !== 0 || sizes === null) {
        reject(new Error(`build failed (exit ${code}):\n${output}`));
        return;
      }
      resolve({
        upload_kib: sizes.upload,
        gzip_kib: sizes.gzip,
        build_seconds: (Date.now() - started) / 1000,
      });
    });
  });
}
