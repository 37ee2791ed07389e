/** Zone bookkeeping: bringing packs up to the clock, purging expired deletions, counting the quota. */
import { CLOUDFLARE_ID } from "../ids";
import { advance, isPurged } from "./lifecycle";
import { DELETING_STATUSES, type Pack, type Timings, type Zone, type ZoneConfig } from "./model";

export function createZone(config: ZoneConfig): Zone {
  if (!CLOUDFLARE_ID.test(config.id))
    throw new Error(`zone id must be 32 lowercase hex characters: ${config.id}`);
  return {
    id: config.id,
    name: config.name.toLowerCase(),
    acm: config.acm ?? true,
    allocated: config.allocated ?? 100,
    packs: new Map(),
  };
}

/** Advances every pack to `now` and drops deleted packs past their retention. Returns packs in list order. */
export function refreshZone(zone: Zone, now: number, timings: Timings): Pack[] {
  for (const [id, pack] of zone.packs) {
    advance(pack, now, timings);
    if (isPurged(pack, now, timings)) zone.packs.delete(id);
  }
  return [...zone.packs.values()];
}

export function findPack(zone: Zone, id: string, now: number, timings: Timings): Pack | undefined {
  refreshZone(zone, now, timings);
  return zone.packs.get(id);
}

/** `used` of the advanced quota: advanced packs that are not deleted or being deleted (domain.md). */
export function usedQuota(zone: Zone, now: number, timings: Timings): number {
  return refreshZone(zone, now, timings).filter(
    (p) => p.type === "advanced" && !DELETING_STATUSES.includes(p.status),
  ).length;
}

export function quotaOf(zone: Zone, now: number, timings: Timings): { allocated: number; used: number } {
  return { allocated: zone.acm ? zone.allocated : 0, used: usedQuota(zone, now, timings) };
}
