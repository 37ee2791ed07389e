import { describe, expect, it } from "vitest";
import { DEMO_GJIRAFA_PROJECT_ID, DEMO_ZONES } from "../../sandbox";
import { createGateway } from "../helpers/gateway";
import { KEYS } from "../helpers/keys";

describe("smoke", () => {
  it("lists through both front doors", async () => {
    const gw = createGateway();
    const unified = await gw.json<{ success: boolean; result: Array<{ id: string }>; errors: unknown[] }>(
      "GET",
      "/v1/certificates",
      { key: KEYS.reader },
    );
    expect(unified.status).toBe(200);
    expect(unified.body.errors).toEqual([]);
    expect(unified.body.result.length).toBeGreaterThan(3);
    const native = await gw.json<{ result: unknown[] }>(
      "GET",
      `/cloudflare/client/v4/zones/${DEMO_ZONES.example.id}/ssl/certificate_packs?status=all`,
      { key: KEYS.reader },
    );
    expect(native.status).toBe(200);
    expect(native.headers.get("x-cache")).toBe("HIT");
    const gj = await gw.json<{ result: unknown[] }>(
      "GET",
      `/gjirafa/api/v1/projects/${DEMO_GJIRAFA_PROJECT_ID}/certificates`,
      { key: KEYS.reader },
    );
    expect(gj.status).toBe(200);
    expect(gj.body.result.length).toBeGreaterThan(0);
  });
});
