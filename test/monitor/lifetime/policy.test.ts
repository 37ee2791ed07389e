/**
 * MONITOR_POLICIES: what the format refuses (each error names its path and rule, never the value) and how a
 * scope's effective policy is resolved (scope entry over default over built-in, field by field).
 */
import { describe, expect, it } from "vitest";
import {
  BUILTIN_POLICY,
  channelsFor,
  type EffectivePolicy,
  type MonitorPolicies,
  parseMonitorPolicies,
  resolvePolicy,
} from "../../../src/monitor/lifetime/policy";
import {
  DEFAULT_ABSOLUTE_THRESHOLDS,
  DEFAULT_LIFETIME_THRESHOLDS,
} from "../../../src/monitor/lifetime/thresholds";

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const ZONE_2 = "9a7806061c88ada191ed06f989cc3dac";
const PROJECT = "6f1c2a6e-4b8e-4f0a-9d55-8d2b2c8f1e01";
/** Planted in values: no error message may repeat it. */
const CANARY = "CANARY-7f3a9";

function policies(json: unknown): MonitorPolicies {
  const result = parseMonitorPolicies(JSON.stringify(json));
  if (!result.ok) throw new Error(`expected valid policies: ${JSON.stringify(result.errors)}`);
  return result.policies;
}

describe("MONITOR_POLICIES validation", () => {
  it.each([
    { what: "not JSON", text: "{default:", errors: [{ path: "(root)", message: "must be valid JSON" }] },
    {
      what: "not an object",
      text: "[]",
      errors: [{ path: "(root)", message: "must be an object with default, zones and projects" }],
    },
    {
      what: "an unknown top-level key",
      text: JSON.stringify({ zone: {} }),
      errors: [{ path: "(root)", message: expect.stringContaining('"zone"') }],
    },
    {
      what: "a zone key that is not a zone id",
      text: JSON.stringify({ zones: { "example.com": {} } }),
      errors: [{ path: "zones.example.com", message: "key must be a 32-hex zone id" }],
    },
    {
      what: "a project key that is not a uuid",
      text: JSON.stringify({ projects: { [ZONE]: {} } }),
      errors: [{ path: `projects.${ZONE}`, message: "key must be a project uuid" }],
    },
    {
      what: "the same zone twice (ids are case-insensitive)",
      text: JSON.stringify({ zones: { [ZONE]: {}, [ZONE.toUpperCase()]: {} } }),
      errors: [{ path: `zones.${ZONE.toUpperCase()}`, message: "same id listed twice" }],
    },
    {
      what: "a plain-http runbook",
      text: JSON.stringify({ default: { runbook: `http://wiki.example.com/${CANARY}` } }),
      errors: [{ path: "default.runbook", message: "must be an https URL" }],
    },
    {
      what: "a runbook that is not a URL",
      text: JSON.stringify({ zones: { [ZONE]: { runbook: `see ${CANARY}` } } }),
      errors: [{ path: `zones.${ZONE}.runbook`, message: "must be an https URL" }],
    },
    {
      what: "an empty owner",
      text: JSON.stringify({ default: { owner: "   " } }),
      errors: [{ path: "default.owner", message: "must not be empty" }],
    },
    {
      what: "an owner with a line break (alert text injection)",
      text: JSON.stringify({ default: { owner: `${CANARY}\n*urgent*` } }),
      errors: [{ path: "default.owner", message: "must not contain control characters" }],
    },
    {
      what: "a misspelt field",
      text: JSON.stringify({ default: { owners: CANARY } }),
      errors: [{ path: "default", message: expect.stringContaining('"owners"') }],
    },
    {
      what: "a window share of 1",
      text: JSON.stringify({ default: { thresholds: { renewal_window_share: 1 } } }),
      errors: [{ path: "default.thresholds.renewal_window_share", message: "must be less than 1" }],
    },
    {
      what: "a window share of 0",
      text: JSON.stringify({ default: { thresholds: { renewal_window_share: 0 } } }),
      errors: [{ path: "default.thresholds.renewal_window_share", message: "must be more than 0" }],
    },
    {
      what: "a share given as text",
      text: JSON.stringify({ default: { thresholds: { renewal_window_share: "1/3" } } }),
      errors: [{ path: "default.thresholds.renewal_window_share", message: "must be a number" }],
    },
    {
      what: "a floor share at or over the window share in the same entry",
      text: JSON.stringify({
        default: { thresholds: { renewal_window_share: 0.2, critical_floor_share: 0.2 } },
      }),
      errors: [
        {
          path: "default.thresholds.critical_floor_share",
          message: expect.stringContaining("must be less than the renewal window share"),
        },
      ],
    },
    {
      what: "a scope's window under the default's floor (checked after merging)",
      text: JSON.stringify({
        default: { thresholds: { critical_floor_share: 0.3 } },
        zones: { [ZONE]: { thresholds: { renewal_window_share: 0.25 } } },
      }),
      errors: [
        {
          path: `zones.${ZONE}.thresholds.renewal_window_share`,
          message: expect.stringContaining("after merging with the default"),
        },
      ],
    },
    {
      what: "ladder days in a lifetime policy",
      text: JSON.stringify({ default: { thresholds: { days: [30, 7] } } }),
      errors: [
        {
          path: "default.thresholds.days",
          message: 'applies to mode "absolute"; this policy\'s mode is "lifetime"',
        },
      ],
    },
    {
      what: "a share in a scope that inherits absolute mode",
      text: JSON.stringify({
        default: { thresholds: { mode: "absolute" } },
        projects: { [PROJECT]: { thresholds: { critical_floor_min_days: 2 } } },
      }),
      errors: [
        {
          path: `projects.${PROJECT}.thresholds.critical_floor_min_days`,
          message: 'applies to mode "lifetime"; this policy\'s mode is "absolute"',
        },
      ],
    },
    {
      what: "an unknown mode",
      text: JSON.stringify({ default: { thresholds: { mode: "relative" } } }),
      errors: [{ path: "default.thresholds.mode", message: 'must be "lifetime" or "absolute"' }],
    },
    {
      what: "a rung repeated",
      text: JSON.stringify({ default: { thresholds: { mode: "absolute", days: [30, 7, 7] } } }),
      errors: [{ path: "default.thresholds.days", message: "must not repeat a rung" }],
    },
    {
      what: "a fractional rung",
      text: JSON.stringify({ default: { thresholds: { mode: "absolute", days: [30, 1.5] } } }),
      errors: [{ path: "default.thresholds.days.1", message: "must be whole days" }],
    },
    {
      what: "an empty ladder",
      text: JSON.stringify({ default: { thresholds: { mode: "absolute", days: [] } } }),
      errors: [{ path: "default.thresholds.days", message: "needs at least one rung" }],
    },
    {
      what: "an unknown channel",
      text: JSON.stringify({ default: { channels: { email: ["critical"] } } }),
      errors: [{ path: "default.channels", message: expect.stringContaining('"email"') }],
    },
    {
      what: "an unknown severity",
      text: JSON.stringify({ default: { channels: { slack: ["page"] } } }),
      errors: [{ path: "default.channels.slack.0", message: 'must be "info", "warning" or "critical"' }],
    },
    {
      what: "a severity listed twice",
      text: JSON.stringify({ default: { channels: { slack: ["critical", "critical"] } } }),
      errors: [{ path: "default.channels.slack", message: "lists a severity twice" }],
    },
  ])("$what", ({ text, errors }) => {
    const result = parseMonitorPolicies(text);
    expect(result).toEqual({ ok: false, errors });
    if (!result.ok) for (const e of result.errors) expect(e.message).not.toContain(CANARY);
  });

  it("a complete, valid setting parses; ids are kept lower-case", () => {
    const result = parseMonitorPolicies(
      JSON.stringify({
        default: {
          owner: "platform",
          runbook: "https://wiki.example.com/runbooks/tls",
          channels: { webhook: ["warning", "critical"], slack: ["critical"] },
        },
        zones: { [ZONE.toUpperCase()]: { owner: "web", thresholds: { renewal_window_share: 0.5 } } },
        projects: { [PROJECT]: { thresholds: { mode: "absolute", days: [21, 7, 2], critical_days: 2 } } },
      }),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.policies.zones)).toEqual([ZONE]);
  });

  it("an empty object is valid and means the built-in policy everywhere", () => {
    const result = parseMonitorPolicies("{}");
    expect(result.ok && resolvePolicy(result.policies, "zone", ZONE)).toEqual(BUILTIN_POLICY);
  });
});

describe("resolvePolicy: scope entry over default over built-in", () => {
  const set = policies({
    default: {
      owner: "platform",
      runbook: "https://wiki.example.com/tls",
      thresholds: { critical_floor_share: 0.05 },
      channels: { slack: ["critical"] },
    },
    zones: {
      [ZONE]: {
        owner: "web-team",
        runbook: null,
        thresholds: { renewal_window_share: 0.5 },
        channels: { webhook: ["info", "critical", "warning"] },
      },
      [ZONE_2]: { thresholds: { mode: "absolute", critical_days: 3 } },
    },
    projects: { [PROJECT]: { owner: "cdn-team" } },
  });

  it.each<{ what: string; provider: "zone" | "project"; scope: string; expected: EffectivePolicy }>([
    {
      what: "a zone with its own entry: its fields, the default's for the rest, built-in below that",
      provider: "zone",
      scope: ZONE,
      expected: {
        owner: "web-team",
        runbook: null,
        thresholds: {
          mode: "lifetime",
          renewal_window_share: 0.5,
          critical_floor_share: 0.05,
          critical_floor_min_days: 1,
        },
        channels: { webhook: ["info", "warning", "critical"], slack: ["critical"] },
        matched: "scope",
      },
    },
    {
      what: "zone ids match case-insensitively",
      provider: "zone",
      scope: ZONE.toUpperCase(),
      expected: expect.objectContaining({ owner: "web-team", matched: "scope" }),
    },
    {
      what: "a zone switching to absolute mode starts from the built-in ladder",
      provider: "zone",
      scope: ZONE_2,
      expected: {
        owner: "platform",
        runbook: "https://wiki.example.com/tls",
        thresholds: { mode: "absolute", days: [30, 14, 7, 1], critical_days: 3 },
        channels: { webhook: ["warning", "critical"], slack: ["critical"] },
        matched: "scope",
      },
    },
    {
      what: "a zone without an entry gets the default",
      provider: "zone",
      scope: "ffffffffffffffffffffffffffffffff",
      expected: {
        owner: "platform",
        runbook: "https://wiki.example.com/tls",
        thresholds: { ...DEFAULT_LIFETIME_THRESHOLDS, critical_floor_share: 0.05 },
        channels: { webhook: ["warning", "critical"], slack: ["critical"] },
        matched: "default",
      },
    },
    {
      what: "a project entry is looked up among projects only",
      provider: "project",
      scope: PROJECT,
      expected: expect.objectContaining({ owner: "cdn-team", matched: "scope" }),
    },
    {
      what: "a zone id asked for as a project is not that zone",
      provider: "project",
      scope: ZONE,
      expected: expect.objectContaining({ owner: "platform", matched: "default" }),
    },
  ])("$what", ({ provider, scope, expected }) => {
    expect(resolvePolicy(set, provider, scope)).toEqual(expected);
  });

  it("no setting: the built-in policy (lifetime thresholds, warning and critical to every channel)", () => {
    expect(resolvePolicy(undefined, "zone", ZONE)).toEqual({
      owner: null,
      runbook: null,
      thresholds: DEFAULT_LIFETIME_THRESHOLDS,
      channels: { webhook: ["warning", "critical"], slack: ["warning", "critical"] },
      matched: "builtin",
    });
  });

  it("an absolute default, merged within its mode by a scope that only changes the rungs", () => {
    const absolute = policies({
      default: { thresholds: { mode: "absolute", critical_days: 5 } },
      zones: { [ZONE]: { thresholds: { days: [7, 21, 3] } } },
    });
    expect(resolvePolicy(absolute, "zone", ZONE).thresholds).toEqual({
      mode: "absolute",
      days: [21, 7, 3],
      critical_days: 5,
    });
    expect(resolvePolicy(absolute, "zone", ZONE_2).thresholds).toEqual({
      ...DEFAULT_ABSOLUTE_THRESHOLDS,
      critical_days: 5,
    });
  });

  it("the built-in layer is a parameter (e.g. a ladder from MONITOR_EXPIRY_DAYS)", () => {
    const builtin: EffectivePolicy = {
      ...BUILTIN_POLICY,
      thresholds: { mode: "absolute", days: [28, 14], critical_days: 7 },
    };
    expect(resolvePolicy(undefined, "project", PROJECT, builtin).thresholds).toEqual(builtin.thresholds);
    expect(resolvePolicy(set, "project", PROJECT, builtin)).toMatchObject({
      owner: "cdn-team",
      thresholds: { mode: "absolute", days: [28, 14] },
    });
  });

  it.each([
    { severity: "info" as const, channels: ["webhook"] },
    { severity: "warning" as const, channels: ["webhook"] },
    { severity: "critical" as const, channels: ["webhook", "slack"] },
  ])("channelsFor: $severity -> $channels", ({ severity, channels }) => {
    expect(channelsFor(resolvePolicy(set, "zone", ZONE), severity)).toEqual(channels);
  });

  it("channelsFor under the built-in policy: info goes nowhere", () => {
    expect(channelsFor(BUILTIN_POLICY, "info")).toEqual([]);
    expect(channelsFor(BUILTIN_POLICY, "warning")).toEqual(["webhook", "slack"]);
  });
});
