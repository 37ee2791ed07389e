/**
 * Deletions made through certgate, recorded in STATE so the monitor can tell them from deletions made
 * elsewhere (dashboard, another token, the provider): only the latter are problems. Written by the
 * certificate service, read by the monitor and by a repeated DELETE.
 *
 *   certgate:v1:deleted:{provider}:{scope}:{id} -> {"deleted_at": "<iso>"}   expirationTtl 30 days
 *
 * `scope` is the zone id / project id and `id` the provider's own id (pack id, certificate id), both
 * lowercased. The TTL outlives a provider's retention of deleted objects and the monitor's rotation, so
 * the monitor sees the marker whenever it next checks the scope.
 */
import type { Scope } from "../model/scope";

export const DELETION_KEY_PREFIX = "certgate:v1:deleted:";
export const DELETION_TTL_SECONDS = 30 * 86_400;

export function deletionScopePrefix(scope: Pick<Scope, "provider" | "id">): string {
  return `${DELETION_KEY_PREFIX}${scope.provider}:${scope.id.toLowerCase()}:`;
}

/** The marker's key of certificate `id` (the provider's own id, not the unified one) in `scope`. */
export function deletionKey(scope: Pick<Scope, "provider" | "id">, id: string): string {
  return `${deletionScopePrefix(scope)}${id.toLowerCase()}`;
}

/** Records a deletion made through certgate. One KV write; call it once per successful DELETE. */
export async function recordDeletion(
  state: KVNamespace,
  scope: Pick<Scope, "provider" | "id">,
  id: string,
  now: number,
): Promise<void> {
  await state.put(deletionKey(scope, id), JSON.stringify({ deleted_at: new Date(now).toISOString() }), {
    expirationTtl: DELETION_TTL_SECONDS,
  });
}

/** Whether certgate recorded deleting `id`; a KV failure reads as "no". */
export async function wasDeletedThroughCertgate(
  state: KVNamespace,
  scope: Pick<Scope, "provider" | "id">,
  id: string,
): Promise<boolean> {
  const marker = await state.get(deletionKey(scope, id)).catch(() => null);
  return marker !== null;
}

/** Ids deleted through certgate in one scope: one KV list call (markers are few and short-lived). */
export async function deletedThroughCertgate(
  state: KVNamespace,
  scope: Pick<Scope, "provider" | "id">,
): Promise<Set<string>> {
  const prefix = deletionScopePrefix(scope);
  const ids = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res: KVNamespaceListResult<unknown> = await state.list({ prefix, cursor });
    for (const k of res.keys) ids.add(k.name.slice(prefix.length));
    if (res.list_complete) break;
    cursor = res.cursor;
  }
  return ids;
}
