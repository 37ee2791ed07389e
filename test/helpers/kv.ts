/**
 * KV housekeeping for tests: storage is shared by the tests of one file (vitest-pool-workers), and
 * every gateway's simulators mint new random ids, so a list cached by one test would be served to the
 * next. Files that go through the gateway clear both namespaces before each test.
 */
import { env as runtimeEnv } from "cloudflare:test";

export { runtimeEnv };

/** Deletes every key of a namespace. */
export async function clearKv(kv: KVNamespace): Promise<void> {
  for (;;) {
    const page = await kv.list();
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    if (page.list_complete) return;
  }
}

/** Both namespaces of the test runtime, emptied. */
export async function resetStorage(): Promise<void> {
  await clearKv(runtimeEnv.CACHE);
  await clearKv(runtimeEnv.STATE);
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
