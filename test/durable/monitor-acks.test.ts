/**
 * MonitorAcks: one acknowledgement per fingerprint (a new one replaces the old), removal of exactly the
 * acknowledgement a run read (a newer one survives), pruning long after `until`, and the schema kept.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MonitorAcks, StoredAck } from "../../src/durable/monitor-acks";
import { freshStub, HOUR, rejectionOf, rowsOf, T0 } from "./helpers";

type Stub = DurableObjectStub<MonitorAcks>;
const acks = (): Stub => freshStub(env.MONITOR_ACKS);
const DAY = 24 * HOUR;

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const ack = (over: Partial<StoredAck> = {}): StoredAck => ({
  fingerprint: `expiry:cloudflare:${ZONE}:p1@2027-01-01T00:00:00Z`,
  provider: "cloudflare",
  scope_kind: "zone",
  scope_id: ZONE,
  issued_certificate: "a1,b2",
  severity: "warning",
  by: "ops",
  reason: "known, renewal booked",
  until: T0 + DAY,
  at: T0,
  ...over,
});

describe("MonitorAcks", () => {
  it("stores, reads back and lists acknowledgements; a new one for the same fingerprint replaces the old", async () => {
    const stub = acks();
    expect(await stub.put({ now: T0, ack: ack() })).toEqual(ack());
    expect(await stub.get({ fingerprint: ack().fingerprint })).toEqual(ack());
    const other = ack({
      fingerprint: `quota:cloudflare:${ZONE}`,
      issued_certificate: null,
      severity: "critical",
    });
    await stub.put({ now: T0, ack: other });
    const renewed = ack({ reason: "still booked", until: T0 + 2 * DAY, at: T0 + HOUR, by: "lead" });
    await stub.put({ now: T0 + HOUR, ack: renewed });
    expect(await stub.list({ now: T0 + HOUR })).toEqual(
      [renewed, other].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)),
    );
    expect(await rowsOf(stub, "SELECT COUNT(*) AS n FROM acks")).toEqual([{ n: 2 }]);
  });

  it("remove with `at` removes only the acknowledgement that was read: one renewed meanwhile stays", async () => {
    const stub = acks();
    await stub.put({ now: T0, ack: ack() });
    await stub.put({ now: T0 + HOUR, ack: ack({ at: T0 + HOUR, until: T0 + 3 * DAY }) });
    // A run read the first one (at T0) and found it void: its removal must not take the renewed one.
    expect(await stub.remove({ fingerprint: ack().fingerprint, at: T0 })).toBeNull();
    expect(await stub.get({ fingerprint: ack().fingerprint })).toMatchObject({ at: T0 + HOUR });
    expect(await stub.remove({ fingerprint: ack().fingerprint, at: T0 + HOUR })).toMatchObject({
      at: T0 + HOUR,
    });
    expect(await stub.get({ fingerprint: ack().fingerprint })).toBeNull();
    // Without `at` (DELETE .../ack): whatever is there.
    await stub.put({ now: T0, ack: ack() });
    expect(await stub.remove({ fingerprint: ack().fingerprint })).toEqual(ack());
    expect(await stub.remove({ fingerprint: ack().fingerprint })).toBeNull();
  });

  it("an expired acknowledgement is still listed for a week (a run says the mute ended), then pruned", async () => {
    const stub = acks();
    await stub.put({ now: T0, ack: ack({ until: T0 + HOUR }) });
    expect(await stub.list({ now: T0 + 7 * DAY })).toHaveLength(1);
    expect(await stub.list({ now: T0 + HOUR + 7 * DAY })).toEqual([]);
    expect(await rowsOf(stub, "SELECT COUNT(*) AS n FROM acks")).toEqual([{ n: 0 }]);
  });

  it("refuses malformed input without storing it", async () => {
    const stub = acks();
    const error = await rejectionOf(
      stub.put({ now: T0, ack: { ...ack(), severity: "fatal" as "critical" } }),
    );
    expect(String(error)).toMatch(/MonitorAcks.put: invalid input \(ack.severity/);
    expect(await stub.list({ now: T0 })).toEqual([]);
  });
});
