/**
 * KV housekeeping for tests: storage is shared by the tests of one file (vitest-pool-workers), and
 * every gateway's simulators mint new random ids, so a list cached by one test would be served to the
 * next. Files that go through the gateway clear both namespaces before each test.
 */
import { runInDurableObject, env as runtimeEnv } from "cloudflare:test";
import { MONITOR_ACKS_NAME } from "../../src/durable/monitor-acks";
import { MONITOR_LEASE_NAME } from "../../src/durable/monitor-lease";

export { runtimeEnv };

/** Deletes every key of a namespace. */
export async function clearKv(kv: KVNamespace): Promise<void> {
  for (;;) {
    const page = await kv.list();
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    if (page.list_complete) return;
  }
}

/**
 * The monitor's singleton Durable Objects, emptied: a lease or an acknowledgement left by one test (whose
 * clock starts where the next one's does) would hold for the next.
 */
export async function resetMonitorObjects(): Promise<void> {
  const lease = runtimeEnv.MONITOR_LEASE;
  await runInDurableObject(lease.get(lease.idFromName(MONITOR_LEASE_NAME)), (_o, state) => {
    state.storage.sql.exec("DELETE FROM lease");
  });
  const acks = runtimeEnv.MONITOR_ACKS;
  await runInDurableObject(acks.get(acks.idFromName(MONITOR_ACKS_NAME)), (_o, state) => {
    state.storage.sql.exec("DELETE FROM acks");
  });
}

/** Both namespaces of the test runtime and the monitor's objects, emptied. */
export async function resetStorage(): Promise<void> {
  await clearKv(runtimeEnv.CACHE);
  await clearKv(runtimeEnv.STATE);
  await resetMonitorObjects();
}

/** Every key and value of a namespace, for leak sweeps. */
export async function dumpKv(kv: KVNamespace): Promise<Array<{ key: string; value: string }>> {
  const out: Array<{ key: string; value: string }> = [];
  let cursor: string | undefined;
  for (;;) {
    const page: KVNamespaceListResult<unknown, string> = await kv.list(cursor ? { cursor } : {});
    for (const k of page.keys) out.push({ key: k.name, value: (await kv.get(k.name, "text")) ?? "" });
    if (page.list_complete) return out;
    cursor = page.cursor;
  }
}
