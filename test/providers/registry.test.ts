/** The provider registry: the one list, its checks, lookup by name, each provider's configuration. */
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { cloudflare } from "../../src/providers/cloudflare";
import { gjirafa } from "../../src/providers/gjirafa";
import { defineProvider } from "../../src/providers/module";
import { createRegistry, PROVIDERS } from "../../src/providers/registry";
import { PROJECT_P, PROJECT_Q, ZONE_A, ZONE_B } from "../helpers/ids";
import { testConfig } from "../upstream/context";

describe("provider registry", () => {
  it("lists both providers, finds them by name, and nothing else", () => {
    const registry = createRegistry();
    expect(PROVIDERS).toEqual([cloudflare, gjirafa]);
    expect(registry.get("cloudflare")).toBe(cloudflare.descriptor);
    expect(registry.get("gjirafa")).toBe(gjirafa.descriptor);
    expect(registry.get("cloudflare")?.scopeKind).toBe("zone");
    expect(registry.get("gjirafa")?.scopeKind).toBe("project");
  });

  it.each(["aws", "", "Cloudflare", "__proto__", "constructor"])("finds no provider %j", (name) => {
    expect(createRegistry().get(name)).toBeUndefined();
  });

  it("refuses a name twice, a name that cannot be an id, and two doors on one mount", () => {
    expect(() => createRegistry([cloudflare, cloudflare])).toThrow(/registered twice/);
    expect(() => createRegistry([copyOfGjirafa("Bad Name")])).toThrow(/must match/);
    expect(() => createRegistry([gjirafa, copyOfGjirafa("other")])).toThrow(/two native doors/);
  });

  it("configures each provider from its own settings: scopes, and unconfigured without any", () => {
    const config = testConfig();
    const scopes = (c: typeof config) =>
      Object.fromEntries(c.providers.map((p) => [p.descriptor.name, p.instance.scopes]));
    expect(scopes(config)).toEqual({ cloudflare: [ZONE_A, ZONE_B], gjirafa: [PROJECT_P, PROJECT_Q] });
    const bare = testConfig({
      GJIRAFA_PROJECTS: undefined,
      GJIRAFA_API_BASE: undefined,
      UPSTREAM_GJIRAFA_KEY: undefined,
    });
    expect(scopes(bare)).toEqual({ cloudflare: [ZONE_A, ZONE_B] });
  });
});

/** Gjirafa's descriptor under another name, never configured, with a (routeless) door on its mount. */
function copyOfGjirafa(name: string) {
  const envelope = gjirafa.native?.envelope;
  if (!envelope) throw new Error("gjirafa has a native door");
  return defineProvider({
    ...gjirafa.descriptor,
    name,
    settings: z.object({}),
    configure: () => null,
    secrets: () => [],
    native: { mount: "/gjirafa", envelope, routes: () => [] },
  });
}
