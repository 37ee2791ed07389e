/** The provider registry: lookup by name, unknown names refused, each provider's configuration view. */
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { isProviderName, providerFor, providers } from "../../src/providers/registry";
import { PROJECT_P, PROJECT_Q, ZONE_A, ZONE_B } from "../helpers/ids";
import { testConfig } from "../upstream/context";

describe("provider registry", () => {
  it("finds both providers by name", () => {
    expect(providerFor("cloudflare")).toBe(providers.cloudflare);
    expect(providerFor("gjirafa")).toBe(providers.gjirafa);
    expect(providers.cloudflare.scopeKind).toBe("zone");
    expect(providers.gjirafa.scopeKind).toBe("project");
  });

  it.each(["aws", "", "Cloudflare", "__proto__", "constructor"])("refuses %j with 404 not_found", (name) => {
    expect(isProviderName(name)).toBe(false);
    expect(() => providerFor(name)).toThrow(AppError);
    try {
      providerFor(name);
    } catch (err) {
      expect(err).toMatchObject({ code: "not_found", status: 404 });
    }
  });

  it("reports configured scopes and whether each provider is configured", () => {
    const config = testConfig();
    expect(providers.cloudflare.configuredScopes(config)).toEqual([ZONE_A, ZONE_B]);
    expect(providers.gjirafa.configuredScopes(config)).toEqual([PROJECT_P, PROJECT_Q]);
    expect(providers.cloudflare.isConfigured(config)).toBe(true);
    expect(providers.gjirafa.isConfigured(config)).toBe(true);
    const bare = testConfig({
      GJIRAFA_PROJECTS: undefined,
      GJIRAFA_API_BASE: undefined,
      UPSTREAM_GJIRAFA_KEY: undefined,
    });
    expect(providers.gjirafa.isConfigured(bare)).toBe(false);
  });
});
