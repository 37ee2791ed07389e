/**
 * How a rotation waits: the poll backoff and how long it waits for validation. Resolved once when the
 * operation starts and carried in the Workflow's parameters, so a configuration change never alters a
 * rotation already running. Every setting is optional with a default.
 *
 * - ROTATION_POLL_INITIAL_SECONDS (default 30): the first wait after ordering; each next wait doubles.
 * - ROTATION_POLL_MAX_SECONDS (default 1800): the longest wait between two polls.
 * - ROTATION_VALIDATION_TIMEOUT_HOURS (default: none): give up on validation sooner than the DCV token
 *   lifetime (7 days Let's Encrypt, 14 days Google and SSL.com), which is always the upper bound.
 */
import * as z from "zod";

/**
 * Polls per rotation at most. Workflows allow 1,024 steps per instance (sleeps do not count,
 * https://developers.cloudflare.com/workflows/reference/limits/); a rotation takes about 8 besides polls.
 * 14 days at the default 30-minute cap is 672 polls.
 */
export const MAX_POLLS = 1_000;

export const RotationSettingsSchema = z
  .object({
    pollInitialMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
    pollMaxMs: z
      .number()
      .int()
      .min(1_000)
      .max(4 * 3_600_000)
      .default(1_800_000),
    validationTimeoutMs: z.number().int().positive().nullable().default(null),
  })
  .refine((s) => s.pollMaxMs >= s.pollInitialMs, {
    message: "pollMaxMs must be at least pollInitialMs",
    path: ["pollMaxMs"],
  });
export type RotationSettings = z.infer<typeof RotationSettingsSchema>;

const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

const EnvSchema = z.object({
  ROTATION_POLL_INITIAL_SECONDS: seconds(1, 3_600),
  ROTATION_POLL_MAX_SECONDS: seconds(1, 4 * 3_600),
  ROTATION_VALIDATION_TIMEOUT_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(14 * 24)
    .optional(),
});

export type SettingsResult =
  | { ok: true; settings: RotationSettings }
  | { ok: false; settings: Array<{ name: string; message: string }> };

/** Reads the ROTATION_* vars; problems are named by setting, never with the value. */
export function rotationSettingsFromEnv(env: Record<string, unknown>): SettingsResult {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith("ROTATION_") && v !== "") input[k] = v;
  const vars = EnvSchema.safeParse(input);
  if (!vars.success) return { ok: false, settings: issuesOf(vars.error) };
  const v = vars.data;
  const parsed = RotationSettingsSchema.safeParse({
    pollInitialMs:
      v.ROTATION_POLL_INITIAL_SECONDS === undefined ? undefined : v.ROTATION_POLL_INITIAL_SECONDS * 1000,
    pollMaxMs: v.ROTATION_POLL_MAX_SECONDS === undefined ? undefined : v.ROTATION_POLL_MAX_SECONDS * 1000,
    validationTimeoutMs:
      v.ROTATION_VALIDATION_TIMEOUT_HOURS === undefined
        ? undefined
        : v.ROTATION_VALIDATION_TIMEOUT_HOURS * 3_600_000,
  });
  if (!parsed.success) {
    return {
      ok: false,
      settings: [
        { name: "ROTATION_POLL_MAX_SECONDS", message: "must be at least ROTATION_POLL_INITIAL_SECONDS" },
      ],
    };
  }
  return { ok: true, settings: parsed.data };
}

function issuesOf(error: z.ZodError): Array<{ name: string; message: string }> {
  return error.issues.map((issue) => ({
    name: String(issue.path[0] ?? "(rotation)"),
    message: issue.message,
  }));
}
