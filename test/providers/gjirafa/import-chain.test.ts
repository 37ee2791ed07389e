/**
 * Imports without a chain, through both front doors. Seed 004 requires the `certificateChain` field but
 * not its content, and certgate's unified schema/OpenAPI make `chain` optional (default ""): no chain is
 * a 200, sent upstream as "". A chain with content must be CERTIFICATE PEM blocks: otherwise 400 naming
 * the field, never echoing it, and nothing is sent.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_CERTIFICATE, SAMPLE_PRIVATE_KEY } from "../../../sandbox";
import type { Certificate } from "../../../src/model/certificate";
import { clearKv, gateway, gjCerts, PROJECT, ROUTE_KEYS, type V4Envelope } from "../../routes/helpers";

beforeEach(clearKv);

const writer = ROUTE_KEYS.writer;
const GARBAGE = "garbage-chain-9f3e1c";
const UNIFIED = {
  provider: "gjirafa",
  project: PROJECT,
  certificate: SAMPLE_CERTIFICATE,
  private_key: SAMPLE_PRIVATE_KEY,
  scope_id: 1,
};
const NATIVE = {
  certificateBody: SAMPLE_CERTIFICATE,
  certificatePrivateKey: SAMPLE_PRIVATE_KEY,
  scopeId: 1,
};

const sentChains = (gw: ReturnType<typeof gateway>) =>
  gw.sims.gjirafa
    .calls({ method: "POST" })
    .map((c) => (c.body as { certificateChain?: unknown }).certificateChain);

describe("POST /v1/certificates/import", () => {
  it.each([
    ["without chain", UNIFIED],
    ['with chain ""', { ...UNIFIED, chain: "" }],
    ["with a whitespace chain", { ...UNIFIED, chain: " \n " }],
  ])('%s -> 200, sent as ""', async (_name, body) => {
    const gw = gateway();
    const res = await gw.json<V4Envelope<Certificate>>("POST", "/v1/certificates/import", {
      key: writer,
      body,
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ provider: "gjirafa", type: "Imported" });
    expect(sentChains(gw)).toEqual([""]);
  });

  it("a garbage chain -> 400 naming body.chain, not echoed, nothing sent", async () => {
    const gw = gateway();
    const res = await gw.call("POST", "/v1/certificates/import", {
      key: writer,
      body: { ...UNIFIED, chain: GARBAGE },
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({
      errors: [{ code: "validation_failed", fields: [{ path: "body.chain" }] }],
    });
    expect(text).not.toContain(GARBAGE);
    expect(gw.sims.gjirafa.count()).toBe(0);
  });
});

describe("POST /gjirafa/api/v1/projects/{p}/certificates/import", () => {
  it.each([
    ['""', ""],
    ["whitespace", "\n\t "],
  ])('certificateChain %s -> 200, sent as ""', async (_name, certificateChain) => {
    const gw = gateway();
    const res = await gw.json<{ success: boolean; result: { certificateType: string } }>(
      "POST",
      `${gjCerts()}/import`,
      { key: writer, body: { ...NATIVE, certificateChain } },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, result: { certificateType: "Imported" } });
    expect(sentChains(gw)).toEqual([""]);
  });

  it("a garbage certificateChain -> 400 naming body.certificateChain, not echoed, nothing sent", async () => {
    const gw = gateway();
    const res = await gw.call("POST", `${gjCerts()}/import`, {
      key: writer,
      body: { ...NATIVE, certificateChain: GARBAGE },
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toContain("body.certificateChain");
    expect(text).not.toContain(GARBAGE);
    expect(gw.sims.gjirafa.count()).toBe(0);
  });
});
