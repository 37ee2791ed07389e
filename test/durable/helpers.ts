/**
 * Shared by the Durable Object tests: a fresh object per test (storage persists across the tests of a
 * file), the rows of a table, and the query plan of a statement.
 */
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";

/** fast-check seed of the durable suite (replay: same seed, same inputs). */
export const SEED = 20_261_201;

/** A fixed caller clock, on a second boundary (the budget counts whole seconds). */
export const T0 = Date.parse("2026-12-01T12:00:00Z");
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export function freshStub<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
): DurableObjectStub<T> {
  return namespace.get(namespace.idFromName(`test-${crypto.randomUUID()}`));
}

export function rowsOf<T extends Rpc.DurableObjectBranded | undefined>(
  stub: DurableObjectStub<T>,
  query: string,
  ...bindings: SqlStorageValue[]
): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(stub, (_instance, state) => state.storage.sql.exec(query, ...bindings).toArray());
}

/** The `detail` lines of SQLite's plan for a statement, run inside the object that owns the tables. */
export function planOf<T extends Rpc.DurableObjectBranded | undefined>(
  stub: DurableObjectStub<T>,
  query: string,
  bindings: SqlStorageValue[],
): Promise<string[]> {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...bindings)
      .toArray()
      .map((row) => row.detail),
  );
}

/** A plan that reads no table from end to end: every table access is a SEARCH on a key or an index. */
export function expectNoFullScan(plan: string[]): void {
  const scans = plan.filter((line) => /^SCAN (?!CONSTANT ROW)/.test(line));
  expect(scans, plan.join(" | ")).toEqual([]);
  expect(plan.some((line) => line.startsWith("SEARCH"))).toBe(true);
}

/**
 * The error an RPC call rejects with, or null if it resolved. (`expect(rpc).rejects` leaves the RPC
 * promise's rejection unhandled in vitest-pool-workers; awaiting it in a try does not.)
 */
export async function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
    return null;
  } catch (error) {
    return error;
  }
}
