import { describe, expect, it } from "vitest";
import {
  allowsProject,
  allowsScope,
  allowsZone,
  assertAllowed,
  FORBIDDEN_RESOURCE_MESSAGE,
  hasPermission,
} from "../../src/auth/authorize";
import { principalFromGrants } from "../../src/auth/principal";
import { PERMISSIONS } from "../../src/config/grants";
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
  it.each(PERMISSIONS)("admin implies %s", (scope) => {
    expect(hasPermission(admin, scope)).toBe(true);
  });

  it.each([
    ["certificates:read", true],
    ["certificates:write", false],
    ["reports:read", false],
    ["admin", false],
  ] as const)("a certificates:read principal has %s: %s", (scope, expected) => {
    expect(hasPermission(limited, scope)).toBe(expected);
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
    expect(allowsScope(p, ref)).toBe(expected);
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
    expect([...p.permissions].sort()).toEqual(["certificates:read", "reports:read"]);
    expect(p.zones).toEqual(new Set([ZONE_A, ZONE_B]));
    expect(p.projects).toBe("*");
  });
});
