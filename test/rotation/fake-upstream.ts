/**
 * A scripted Cloudflare zone behind the rotation PORT, for the invariant test. It is the oracle: it knows
 * the truth (which packs exist, what they cover, what each one's status is right now, how many orders
 * landed) and checks the invariant at the moment the engine acts, not from the engine's own account:
 * - deleting the old pack requires that a replacement ordered by this rotation is serving right now,
 *   covers every old host, and that the ledger holds the engine's claim (`deleting_old`);
 * - nothing but the old pack is ever deleted;
 * - at most one order lands.
 * Faults are scripted per operation and call: an error before the upstream acts, an error after it acted
 * (the answer is lost), a crash of the whole run before or after, and a cancel just before the call.
 */
import type {
  OrderRequest,
  PackView,
  QuotaView,
  RotationPort,
  ValidationRecord,
} from "../../src/rotation/port";
import { PortError } from "../../src/rotation/port";
import { Crash } from "./runner";

export const PORT_OPS = ["getPack", "listPacks", "quota", "order", "deletePack"] as const;
export type PortOp = (typeof PORT_OPS)[number];

export const FAULT_KINDS = ["5xx", "429", "lost", "crash_before", "crash_after", "cancel_before"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  op: PortOp;
  /** The nth call of `op` (1-based) over the whole rotation, restarts included. */
  nth: number;
  kind: FaultKind;
}

interface FakePack {
  id: string;
  type: string;
  hosts: string[];
  ca: OrderRequest["certificateAuthority"];
  validity: OrderRequest["validityDays"];
  method: OrderRequest["validationMethod"];
  /** Fixed status, or the script a replacement follows (one status per SCRIPT_STEP_MS, the last one holds). */
  status: string;
  script: string[] | null;
  createdAt: number;
  reads: number;
  deleted: boolean;
  byOrder: boolean;
}

export interface FakeOptions {
  zoneApex: string;
  old: {
    id: string;
    hosts: string[];
    ca: OrderRequest["certificateAuthority"];
    validity: OrderRequest["validityDays"];
    method: OrderRequest["validationMethod"];
  };
  /** Packs that existed before the rotation (decoys: some match the order exactly). */
  others: Array<{ id: string; hosts: string[]; sameSpec: boolean }>;
  /** Free slots in the quota when the rotation starts. */
  room: number;
  /** Statuses the replacement goes through, one per SCRIPT_STEP_MS after the order. */
  script: string[];
  /** The test clock (epoch ms). */
  now: () => number;
  /** The upstream creates the replacement without the old pack's last host. */
  dropHost: boolean;
  /** Someone else deletes the old pack right after this read of the replacement (1-based), if ever. */
  oldDeletedAfterRead: number | null;
  /** Someone else takes the last free quota slot just before the first order arrives. */
  quotaTakenBeforeOrder: boolean;
  faults: Fault[];
  /** The ledger's view of the operation (for the claim check) and the cancel hook. */
  ledgerState: () => Promise<string>;
  cancel: () => Promise<void>;
}

const SERVING = new Set(["active", "backup_issued"]);
/**
 * How long the replacement stays in each scripted status. Time-based, not read-based: the engine's
 * back-to-back reads (coverage check, then the delete's own check) see the same status, as they would
 * upstream, so a status wrongly taken for "active" is still not active when the delete comes.
 */
export const SCRIPT_STEP_MS = 3 * 60_000;

function records(pack: FakePack): ValidationRecord[] {
  if (pack.status !== "pending_validation") return [];
  return pack.hosts.map((h) => ({
    txt_name: `_acme-challenge.${h}`,
    txt_value: `token-${pack.id}-${h}`,
    status: "pending",
  }));
}

export class FakeZone implements RotationPort {
  readonly packs = new Map<string, FakePack>();
  readonly violations: string[] = [];
  readonly calls: Record<PortOp, number> = { getPack: 0, listPacks: 0, quota: 0, order: 0, deletePack: 0 };
  ordersLanded = 0;
  deletedOldBy: "engine" | "someone_else" | null = null;
  cancelled = false;
  allocated: number;
  #nextId = 0;
  #quotaTaken = false;

  constructor(private readonly o: FakeOptions) {
    this.#add({
      id: o.old.id,
      hosts: o.old.hosts,
      ca: o.old.ca,
      validity: o.old.validity,
      method: o.old.method,
      status: "active",
    });
    for (const other of o.others) {
      this.#add({
        id: other.id,
        hosts: other.hosts,
        ca: other.sameSpec ? o.old.ca : o.old.ca === "google" ? "lets_encrypt" : "google",
        validity: o.old.validity,
        method: o.old.method,
        status: "active",
      });
    }
    this.allocated = this.#used() + o.room;
  }

  get replacement(): FakePack | null {
    for (const p of this.packs.values()) if (p.byOrder) return p;
    return null;
  }

  async getPack(zone: string, id: string): Promise<PackView | null> {
    return this.#op(
      "getPack",
      () => {
        const pack = this.packs.get(id);
        if (pack === undefined) return null;
        const view = this.#view(this.#advance(pack));
        if (pack.script !== null) {
          pack.reads += 1;
          if (this.o.oldDeletedAfterRead === pack.reads) this.#deleteOldBySomeoneElse();
        }
        return view;
      },
      zone,
    );
  }

  async listPacks(zone: string): Promise<PackView[]> {
    return this.#op(
      "listPacks",
      () => [...this.packs.values()].map((p) => this.#view(this.#advance(p))),
      zone,
    );
  }

  async quota(zone: string): Promise<QuotaView> {
    return this.#op("quota", () => ({ allocated: this.allocated, used: this.#used() }), zone);
  }

  async order(zone: string, request: OrderRequest): Promise<PackView> {
    // An order that starts after a cancel succeeded, or against a quota that was full from the start
    // (the engine read it), is one the engine should not have sent. A cancel that races an order
    // already under way (`cancel_before` this very call) is not the engine's doing.
    if (this.cancelled) this.violations.push("ordered after a successful cancel");
    if (this.o.room === 0) this.violations.push("ordered against a quota that was full from the start");
    if (this.o.quotaTakenBeforeOrder && !this.#quotaTaken) {
      this.#quotaTaken = true;
      while (this.#used() < this.allocated) {
        this.#add({
          id: this.#id("taken"),
          hosts: [this.o.zoneApex],
          // Never the order's authority: someone else's pack must not look like the replacement.
          ca: this.o.old.ca === "google" ? "ssl_com" : "google",
          validity: 90,
          method: "http",
          status: "active",
        });
      }
    }
    return this.#op(
      "order",
      () => {
        if (this.#used() >= this.allocated) {
          throw new PortError("rejected", "upstream_rejected", "Advanced certificate pack quota exceeded");
        }
        const hosts = this.o.dropHost ? request.hosts.slice(0, -1) : [...request.hosts];
        const pack = this.#add({
          id: this.#id("new"),
          hosts,
          ca: request.certificateAuthority,
          validity: request.validityDays,
          method: request.validationMethod,
          status: this.o.script[0] ?? "initializing",
        });
        pack.script = this.o.script;
        pack.byOrder = true;
        this.ordersLanded += 1;
        if (this.ordersLanded > 1) this.violations.push(`ordered twice (${this.ordersLanded} orders landed)`);
        return this.#view(pack);
      },
      zone,
    );
  }

  async deletePack(zone: string, id: string): Promise<"deleted" | "already_deleted"> {
    return this.#op(
      "deletePack",
      async () => {
        const pack = this.packs.get(id);
        if (pack === undefined) throw new PortError("not_found", "not_found", "pack not found");
        if (id !== this.o.old.id) this.violations.push(`deleted ${id}, which is not the old pack`);
        if (pack.deleted) return "already_deleted" as const;
        const replacement = this.replacement;
        if (replacement !== null) this.#advance(replacement);
        if (replacement === null) this.violations.push("deleted the old pack with no replacement ordered");
        else {
          if (!SERVING.has(replacement.status)) {
            this.violations.push(`deleted the old pack while the replacement was ${replacement.status}`);
          }
          const missing = this.o.old.hosts.filter((h) => !replacement.hosts.includes(h));
          if (missing.length > 0)
            this.violations.push(`deleted the old pack; the replacement lacks ${missing.join(",")}`);
        }
        const state = await this.o.ledgerState();
        if (state !== "deleting_old")
          this.violations.push(`deleted the old pack while the ledger said ${state}`);
        if (this.cancelled) this.violations.push("deleted the old pack after a successful cancel");
        pack.deleted = true;
        pack.status = "deleted";
        this.deletedOldBy = "engine";
        return "deleted" as const;
      },
      zone,
    );
  }

  /** Runs one port call with the faults scripted for it. */
  async #op<T>(op: PortOp, effect: () => T | Promise<T>, zone: string): Promise<T> {
    if (zone !== "zone") this.violations.push(`called ${op} on zone ${zone}`);
    this.calls[op] += 1;
    const fault = this.o.faults.find((f) => f.op === op && f.nth === this.calls[op]);
    switch (fault?.kind) {
      case "5xx":
        throw new PortError("transient", "upstream_unavailable", "Cloudflare answered 503");
      case "429":
        throw new PortError("transient", "upstream_rate_limited", "Cloudflare answered 429");
      case "crash_before":
        throw new Crash(`before ${op}`);
      case "cancel_before":
        await this.o.cancel();
        break;
      default:
        break;
    }
    const value = await effect();
    if (fault?.kind === "lost")
      throw new PortError("transient", "upstream_outcome_unknown", "the answer was lost");
    if (fault?.kind === "crash_after") throw new Crash(`after ${op}`);
    return value;
  }

  /** Brings a scripted pack's status up to the clock (a deleted pack stays deleted). */
  #advance(pack: FakePack): FakePack {
    if (pack.script !== null && !pack.deleted) {
      const step = Math.floor((this.o.now() - pack.createdAt) / SCRIPT_STEP_MS);
      pack.status = pack.script[Math.min(step, pack.script.length - 1)] ?? pack.status;
    }
    return pack;
  }

  #deleteOldBySomeoneElse(): void {
    const old = this.packs.get(this.o.old.id);
    if (old === undefined || old.deleted) return;
    old.deleted = true;
    old.status = "deleted";
    this.deletedOldBy = "someone_else";
  }

  #used(): number {
    return [...this.packs.values()].filter((p) => p.type === "advanced" && !p.deleted).length;
  }

  #id(prefix: string): string {
    this.#nextId += 1;
    return `${prefix}${this.#nextId}`;
  }

  #add(p: Omit<FakePack, "type" | "script" | "createdAt" | "reads" | "deleted" | "byOrder">): FakePack {
    const pack: FakePack = {
      ...p,
      type: "advanced",
      script: null,
      createdAt: this.o.now(),
      reads: 0,
      deleted: false,
      byOrder: false,
    };
    this.packs.set(pack.id, pack);
    return pack;
  }

  #view(p: FakePack): PackView {
    return {
      id: p.id,
      type: p.type,
      status: p.status,
      hosts: [...p.hosts],
      validityDays: p.validity,
      certificateAuthority: p.ca,
      validationMethod: p.method,
      validationRecords: records(p),
      dcvDelegationRecords: [],
      expiresOn: SERVING.has(p.status) ? "2027-01-01T00:00:00Z" : null,
    };
  }
}
