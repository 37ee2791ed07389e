import { describe, expect, it } from "vitest";
import { createWorker } from "../src/worker";
import { testDeps } from "./helpers/deps";
import { testEnv } from "./helpers/env";

describe("spine", () => {
  it("GET /healthz answers without a key and reports config validity", async () => {
    const worker = createWorker(testDeps());
    const res = await worker.fetch(new Request("http://certgate.test/healthz"), testEnv());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; result: { config_valid: boolean } };
    expect(body.success).toBe(true);
    expect(body.result).toMatchObject({ config_valid: true, config_errors: [] });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
