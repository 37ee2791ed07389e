/**
 * MONITOR_POLICIES: who owns a scope's certificates, where the runbook is, which thresholds apply and
 * which severities go to which alert channel, per Cloudflare zone or Gjirafa project, with a default.
 *
 *   {
 *     "default":  { "owner": "platform", "runbook": "https://wiki.example.com/tls",
 *                   "channels": { "webhook": ["warning", "critical"], "slack": ["critical"] } },
 *     "zones":    { "<32-hex zone id>": { "owner": "web", "thresholds": { "renewal_window_share": 0.5 } } },
 *     "projects": { "<project uuid>": { "thresholds": { "mode": "absolute", "days": [30, 14, 7, 1] } } }
 *   }
 *
 * Every field is optional. Resolution is field by field: the scope's entry, else the default entry, else the
 * built-in policy (lifetime thresholds, no owner, no runbook, warning + critical to every channel, info
 * nowhere). `owner`/`runbook` may be `null` in a scope to drop the default's. `thresholds` merge within one
 * mode; a `mode` switch starts from that mode's built-in values; without `mode`, the inherited mode holds
 * and only that mode's fields are allowed. `channels` merge per channel.
 *
 * Validation (zod, like every setting): unknown keys, wrong types, out-of-range shares, a critical floor
 * share not under the window share (checked on the RESOLVED policy of every entry), duplicate ids and
 * non-https runbooks are errors. Messages name the path and the rule, never the value: a runbook URL can
 * carry a token.
 */
import * as z from "zod";
import { ALERT_CHANNELS, ALERT_SEVERITIES, type AlertChannel, type AlertSeverity } from "./severity";
import {
  type AbsoluteThresholds,
  DEFAULT_ABSOLUTE_THRESHOLDS,
  DEFAULT_LIFETIME_THRESHOLDS,
  type ExpiryThresholds,
  type LifetimeThresholds,
  type ThresholdMode,
} from "./thresholds";

const ZONE_ID = /^[0-9a-f]{32}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

const LIFETIME_FIELDS = ["renewal_window_share", "critical_floor_share", "critical_floor_min_days"] as const;
const ABSOLUTE_FIELDS = ["days", "critical_days"] as const;

const ThresholdsEntrySchema = z.strictObject({
  mode: z.enum(["lifetime", "absolute"], { error: 'must be "lifetime" or "absolute"' }).optional(),
  renewal_window_share: z
    .number({ error: "must be a number" })
    .gt(0, { error: "must be more than 0" })
    .lt(1, { error: "must be less than 1" })
    .optional(),
  critical_floor_share: z
    .number({ error: "must be a number" })
    .min(0, { error: "must be 0 or more" })
    .lt(1, { error: "must be less than 1" })
    .optional(),
  critical_floor_min_days: z
    .number({ error: "must be a number" })
    .min(0, { error: "must be 0 or more" })
    .max(365, { error: "must be at most 365" })
    .optional(),
  days: z
    .array(
      z.int({ error: "must be whole days" }).min(1, { error: "must be 1 or more" }).max(365, {
        error: "must be at most 365",
      }),
    )
    .min(1, { error: "needs at least one rung" })
    .max(10, { error: "at most 10 rungs" })
    .refine((l) => new Set(l).size === l.length, { error: "must not repeat a rung" })
    .optional(),
  critical_days: z
    .int({ error: "must be whole days" })
    .min(0, { error: "must be 0 or more" })
    .max(365, { error: "must be at most 365" })
    .optional(),
});
export type ThresholdsEntry = z.infer<typeof ThresholdsEntrySchema>;

const SeverityListSchema = z
  .array(z.enum(ALERT_SEVERITIES, { error: 'must be "info", "warning" or "critical"' }))
  .max(ALERT_SEVERITIES.length, { error: "lists a severity twice" })
  .refine((l) => new Set(l).size === l.length, { error: "lists a severity twice" });

export const PolicyEntrySchema = z.strictObject({
  owner: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(200, { error: "at most 200 characters" })
    .refine((s) => !CONTROL.test(s), { error: "must not contain control characters" })
    .nullable()
    .optional(),
  runbook: z
    .url({ protocol: /^https$/, error: "must be an https URL" })
    .max(2048, { error: "at most 2048 characters" })
    .nullable()
    .optional(),
  thresholds: ThresholdsEntrySchema.optional(),
  channels: z
    .strictObject(
      Object.fromEntries(ALERT_CHANNELS.map((c) => [c, SeverityListSchema.optional()])) as {
        [K in AlertChannel]: z.ZodOptional<typeof SeverityListSchema>;
      },
    )
    .optional(),
});
export type PolicyEntry = z.infer<typeof PolicyEntrySchema>;

/** The parsed setting: entries keyed by lower-case zone id / project uuid. */
export interface MonitorPolicies {
  default: PolicyEntry;
  zones: Readonly<Record<string, PolicyEntry>>;
  projects: Readonly<Record<string, PolicyEntry>>;
}

export const EMPTY_POLICIES: MonitorPolicies = Object.freeze({ default: {}, zones: {}, projects: {} });

/** The policy a scope runs under. `matched` says which entry decided (for the report and debugging). */
export interface EffectivePolicy {
  owner: string | null;
  runbook: string | null;
  thresholds: ExpiryThresholds;
  channels: Readonly<Record<AlertChannel, readonly AlertSeverity[]>>;
  matched: "scope" | "default" | "builtin";
}

export const BUILTIN_POLICY: EffectivePolicy = Object.freeze({
  owner: null,
  runbook: null,
  thresholds: DEFAULT_LIFETIME_THRESHOLDS,
  channels: Object.freeze({
    webhook: Object.freeze(["warning", "critical"] as AlertSeverity[]),
    slack: Object.freeze(["warning", "critical"] as AlertSeverity[]),
  }),
  matched: "builtin",
});

function mergeThresholds(base: ExpiryThresholds, over: ThresholdsEntry | undefined): ExpiryThresholds {
  if (!over) return base;
  const mode: ThresholdMode = over.mode ?? base.mode;
  if (mode === "lifetime") {
    const from: LifetimeThresholds = base.mode === "lifetime" ? base : DEFAULT_LIFETIME_THRESHOLDS;
    return {
      mode,
      renewal_window_share: over.renewal_window_share ?? from.renewal_window_share,
      critical_floor_share: over.critical_floor_share ?? from.critical_floor_share,
      critical_floor_min_days: over.critical_floor_min_days ?? from.critical_floor_min_days,
    };
  }
  const from: AbsoluteThresholds = base.mode === "absolute" ? base : DEFAULT_ABSOLUTE_THRESHOLDS;
  return {
    mode,
    days: [...(over.days ?? from.days)].sort((a, b) => b - a),
    critical_days: over.critical_days ?? from.critical_days,
  };
}

function sortSeverities(list: readonly AlertSeverity[]): AlertSeverity[] {
  return ALERT_SEVERITIES.filter((s) => list.includes(s));
}

function mergeEntry(base: EffectivePolicy, entry: PolicyEntry, matched: EffectivePolicy["matched"]) {
  const channels = Object.fromEntries(
    ALERT_CHANNELS.map((c) => [c, sortSeverities(entry.channels?.[c] ?? base.channels[c])]),
  ) as Record<AlertChannel, AlertSeverity[]>;
  return {
    owner: entry.owner !== undefined ? entry.owner : base.owner,
    runbook: entry.runbook !== undefined ? entry.runbook : base.runbook,
    thresholds: mergeThresholds(base.thresholds, entry.thresholds),
    channels,
    matched,
  } satisfies EffectivePolicy;
}

function isEmpty(entry: PolicyEntry): boolean {
  return Object.keys(entry).length === 0;
}

/**
 * The effective policy of one scope: its entry over the default entry over `builtin`. Scope ids are
 * matched case-insensitively (zone ids and uuids are hex). `policies` undefined = setting not set.
 */
export function resolvePolicy(
  policies: MonitorPolicies | undefined,
  scopeKind: "zone" | "project",
  scopeId: string,
  builtin: EffectivePolicy = BUILTIN_POLICY,
): EffectivePolicy {
  const p = policies ?? EMPTY_POLICIES;
  const byId = scopeKind === "zone" ? p.zones : p.projects;
  const scoped = Object.hasOwn(byId, scopeId.toLowerCase()) ? byId[scopeId.toLowerCase()] : undefined;
  const withDefault = isEmpty(p.default) ? builtin : mergeEntry(builtin, p.default, "default");
  return scoped === undefined ? withDefault : mergeEntry(withDefault, scoped, "scope");
}

/** The channels an alert of `severity` goes to under `policy`. */
export function channelsFor(policy: EffectivePolicy, severity: AlertSeverity): AlertChannel[] {
  return ALERT_CHANNELS.filter((c) => policy.channels[c].includes(severity));
}

type Issue = { path: (string | number)[]; message: string };

/** Rules that need the resolved policy: fields of the wrong mode, and the floor under the window. */
function entryIssues(resolved: EffectivePolicy, entry: PolicyEntry, path: (string | number)[]): Issue[] {
  const issues: Issue[] = [];
  const t = entry.thresholds;
  if (!t) return issues;
  const mode = resolved.thresholds.mode;
  const foreign = mode === "lifetime" ? ABSOLUTE_FIELDS : LIFETIME_FIELDS;
  for (const field of foreign) {
    if (t[field] !== undefined) {
      issues.push({
        path: [...path, "thresholds", field],
        message: `applies to mode "${mode === "lifetime" ? "absolute" : "lifetime"}"; this policy's mode is "${mode}"`,
      });
    }
  }
  const r = resolved.thresholds;
  if (r.mode === "lifetime" && r.critical_floor_share >= r.renewal_window_share) {
    const field = t.critical_floor_share !== undefined ? "critical_floor_share" : "renewal_window_share";
    issues.push({
      path: [...path, "thresholds", field],
      message:
        "the critical floor share must be less than the renewal window share (after merging with the default)",
    });
  }
  return issues;
}

function idMap(pattern: RegExp, what: string) {
  return z
    .record(z.string(), PolicyEntrySchema, { error: "must be an object keyed by id" })
    .superRefine((map, ctx) => {
      const seen = new Set<string>();
      for (const key of Object.keys(map)) {
        if (!pattern.test(key)) {
          ctx.addIssue({ code: "custom", path: [key], message: `key must be a ${what}` });
          continue;
        }
        const lower = key.toLowerCase();
        if (seen.has(lower)) ctx.addIssue({ code: "custom", path: [key], message: "same id listed twice" });
        seen.add(lower);
      }
    })
    .transform((map) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v])));
}

/** The JSON value of MONITOR_POLICIES (after JSON.parse). */
export const MonitorPoliciesSchema = z
  .strictObject(
    {
      default: PolicyEntrySchema.optional(),
      zones: idMap(ZONE_ID, "32-hex zone id").optional(),
      projects: idMap(UUID, "project uuid").optional(),
    },
    // Only the wrong-type message is ours: an unknown key keeps zod's message, which names the key.
    {
      error: (issue) =>
        issue.code === "invalid_type" ? "must be an object with default, zones and projects" : undefined,
    },
  )
  .transform(
    (v): MonitorPolicies => ({ default: v.default ?? {}, zones: v.zones ?? {}, projects: v.projects ?? {} }),
  )
  .superRefine((p, ctx) => {
    const withDefault = isEmpty(p.default)
      ? BUILTIN_POLICY
      : mergeEntry(BUILTIN_POLICY, p.default, "default");
    const issues = entryIssues(withDefault, p.default, ["default"]);
    for (const [kind, map] of [
      ["zones", p.zones],
      ["projects", p.projects],
    ] as const) {
      for (const [id, entry] of Object.entries(map)) {
        issues.push(...entryIssues(mergeEntry(withDefault, entry, "scope"), entry, [kind, id]));
      }
    }
    for (const issue of issues) ctx.addIssue({ code: "custom", ...issue });
  });

export type PoliciesResult =
  | { ok: true; policies: MonitorPolicies }
  | { ok: false; errors: Array<{ path: string; message: string }> };

/** Parses the text of MONITOR_POLICIES. Errors name the path (`zones.<id>.runbook`) and the rule only. */
export function parseMonitorPolicies(text: string): PoliciesResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ path: "(root)", message: "must be valid JSON" }] };
  }
  const parsed = MonitorPoliciesSchema.safeParse(data);
  if (parsed.success) return { ok: true, policies: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message })),
  };
}
