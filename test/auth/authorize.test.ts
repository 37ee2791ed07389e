import { describe, expect, it } from "vitest";
import {
  allowsProject,
  allowsScopeRef,
  allowsZone,
  assertAllowed,
  FORBIDDEN_RESOURCE_MESSAGE,
  hasScope,
} from "../../src/auth/authorize";
import { stripClientCredentials } from "../../src/auth/credentials";
import { principalFromGrants } from "../../src/auth/principal";
import { SCOPES } from "../../src/config";
import { AppError } from "../../src/errors";
import { PROJECT_P, PROJECT_Q, ZONE_A, ZONE_B } from "../helpers/env";

const limited = principalFromGrants("limited", "api_key", [
  { scopes: ["certificates:read"], zones: [ZONE_A], projects: [PROJECT_P.toUpperCase()] },
]);
const everywhere = principalFromGrants("everywhere", "api_key", [
  { scopes: ["certificates:read"], zones: ["*"], projects: ["*"] },
]);
const admin = principalFromGrants("admin", "api_key", [{ scopes: ["admin"], zones: [], projects: [] }]);

describe("authorization helpers", () => {
  it.each(SCOPES)("admin implies %s", (scope) => {
    expect(hasScope(admin, scope)).toBe(true);
  });

  it.each([
    ["certificates:read", true],
    ["certificates:write", false],
    ["reports:read", false],
    ["admin", false],
  ] as const)("a certificates:read principal has %s: %s", (scope, expected) => {
    expect(hasScope(limited, scope)).toBe(expected);
  });

  it.each([
    ["limited, its zone", limited, { kind: "zone", id: ZONE_A }, true],
    ["limited, its zone in upper case", limited, { kind: "zone", id: ZONE_A.toUpperCase() }, true],
    ["limited, another zone", limited, { kind: "zone", id: ZONE_B }, false],
    ["limited, its project (allowlisted in upper case)", limited, { kind: "project", id: PROJECT_P }, true],
    ["limited, another project", limited, { kind: "project", id: PROJECT_Q }, false],
    ["limited, a zone id used as a project", limited, { kind: "project", id: ZONE_A }, false],
    ["'*', any zone", everywhere, { kind: "zone", id: ZONE_B }, true],
    ["'*', any project", everywhere, { kind: "project", id: PROJECT_Q }, true],
    ["admin with empty allowlists, any zone", admin, { kind: "zone", id: ZONE_B }, true],
    ["admin with empty allowlists, any project", admin, { kind: "project", id: PROJECT_Q }, true],
  ] as const)("%s -> %s", (_name, p, ref, expected) => {
    expect(allowsScopeRef(p, ref)).toBe(expected);
    expect(ref.kind === "zone" ? allowsZone(p, ref.id) : allowsProject(p, ref.id)).toBe(expected);
    if (expected) expect(() => assertAllowed(p, ref)).not.toThrow();
    else {
      const thrown = (() => {
        try {
          assertAllowed(p, ref);
        } catch (err) {
          return err;
        }
      })();
      expect(thrown).toBeInstanceOf(AppError);
      expect(thrown).toMatchObject({ code: "forbidden", status: 403, message: FORBIDDEN_RESOURCE_MESSAGE });
    }
  });

  it("the union of grants: '*' anywhere wins, explicit ids add up", () => {
    const p = principalFromGrants("u", "access", [
      { scopes: ["certificates:read"], zones: [ZONE_A], projects: [] },
      { scopes: ["reports:read"], zones: [ZONE_B], projects: ["*"] },
    ]);
    expect([...p.scopes].sort()).toEqual(["certificates:read", "reports:read"]);
    expect(p.zones).toEqual(new Set([ZONE_A, ZONE_B]));
    expect(p.projects).toBe("*");
  });
});

describe("stripClientCredentials", () => {
  it("removes every caller credential and keeps everything else", () => {
    const inbound = new Headers({
      Authorization: "Bearer cg_secret",
      "X-API-Key": "cg_secret",
      Cookie: "CF_Authorization=jwt",
      "Cf-Access-Jwt-Assertion": "jwt",
      "Cf-Access-Client-Id": "id.access",
      "Cf-Access-Client-Secret": "secret",
      "X-Auth-Email": "me@example.com",
      "X-Auth-Key": "global-key",
      "Proxy-Authorization": "Basic eA==",
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-Request-Id": "req-12345678",
    });
    const out = stripClientCredentials(inbound);
    expect([...out.keys()].sort()).toEqual(["accept", "content-type", "x-request-id"]);
    expect(inbound.get("authorization")).toBe("Bearer cg_secret"); // input untouched
  });
});
