import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors";
import { ZONE_A } from "../helpers/env";
import { harness } from "./harness";
import { cert, HOUR, resetStorage } from "./helpers";

beforeEach(resetStorage);

const timedOut = (id: string, provider_status = "validation_timed_out") =>
  cert({ scope: ZONE_A, id, status: "failed", provider_status });

describe("monitor remediation (MONITOR_REMEDIATE)", () => {
  it("is off by default: nothing is restarted", async () => {
    const h = harness({ cloudflare: { [ZONE_A]: { certs: [timedOut("p1")] } } });
    const report = await h.run();
    expect(h.cf.validated).toEqual([]);
    expect(report.remediation).toEqual([]);
  });

  it("restarts validation_timed_out packs only, at most MAX_PER_DAY per pack per 24 hours, each attempt reported", async () => {
    const h = harness({
      cloudflare: { [ZONE_A]: { certs: [timedOut("p1"), timedOut("p2", "issuance_timed_out")] } },
      vars: { MONITOR_REMEDIATE: "true", MONITOR_REMEDIATE_MAX_PER_DAY: "1" },
    });
    const first = await h.run();
    expect(h.cf.validated).toEqual(["p1"]);
    expect(first.remediation).toEqual([
      expect.objectContaining({
        certificate_id: `cloudflare:${ZONE_A}:p1`,
        outcome: "restarted",
        provider_status: "pending_validation",
      }),
    ]);
    expect(
      h
        .notificationsSince(0)
        .filter((n) => n.event === "remediation")
        .map((n) => n.note),
    ).toEqual(["validation restarted, now pending_validation"]);

    for (let i = 0; i < 4; i++) {
      h.clock.advance(6 * HOUR - 1);
      expect((await h.run()).remediation).toEqual([]);
    }
    h.clock.advance(60_000);
    const nextDay = await h.run();
    expect(nextDay.remediation.map((r) => r.certificate_id)).toEqual([`cloudflare:${ZONE_A}:p1`]);
    expect(h.cf.validated).toEqual(["p1", "p1"]);
  });

  it("a failed restart is recorded with its error and counts toward the limit", async () => {
    const h = harness({
      cloudflare: { [ZONE_A]: { certs: [timedOut("p1")] } },
      vars: { MONITOR_REMEDIATE: "true", MONITOR_REMEDIATE_MAX_PER_DAY: "2" },
    });
    h.cf.validateError = new AppError("conflict", "Pack is not in validation_timed_out");
    const first = await h.run();
    expect(first.remediation).toEqual([
      expect.objectContaining({ outcome: "failed", error: "conflict: Pack is not in validation_timed_out" }),
    ]);
    h.clock.advance(HOUR);
    await h.run();
    h.clock.advance(HOUR);
    expect((await h.run()).remediation).toEqual([]);
    expect(h.cf.validated).toEqual(["p1", "p1"]);
  });
});
