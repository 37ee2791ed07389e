/**
 * Deletions made through certgate, recorded in STATE so the monitor can tell them from deletions made
 * elsewhere (dashboard, another token, the provider): only the latter are problems.
 *
 *   certgate:v1:deleted:{provider}:{scope}:{id} -> {"deleted_at": "<iso>"}   expirationTtl 30 days
 *
 * `scope` is the zone id / project uuid and `id` the provider's own id (pack id, Gjirafa certificate
 * id), both lowercased. The TTL outlives Cloudflare's "deleted" retention and the monitor's rotation,
 * so the monitor sees the marker whenever it next checks the scope. The certificate service calls
 * `recordDeletion` after a successful (or already-deleted) DELETE.
 */
import type { ProviderName } from "../errors";

export const DELETION_KEY_PREFIX = "certgate:v1:deleted:";
export const DELETION_TTL_SECONDS = 30 * 86_400;

export interface DeletionRef {
  provider: ProviderName;
  /** Zone id or project uuid. */
  scope: string;
  /** The provider's id of the pack/certificate (not the unified id). */
  id: string;
}

export function deletionScopePrefix(provider: ProviderName, scope: string): string {
  return `${DELETION_KEY_PREFIX}${provider}:${scope.toLowerCase()}:`;
}

export function deletionKey(ref: DeletionRef): string {
  return `${deletionScopePrefix(ref.provider, ref.scope)}${ref.id.toLowerCase()}`;
}

/** Records a deletion made through certgate. One KV write; call it once per successful DELETE. */
export async function recordDeletion(state: KVNamespace, ref: DeletionRef, now: number): Promise<void> {
  await state.put(deletionKey(ref), JSON.stringify({ deleted_at: new Date(now).toISOString() }), {
    expirationTtl: DELETION_TTL_SECONDS,
  });
}

/** Ids deleted through certgate in one scope: one KV list call (markers are few and short-lived). */
export async function deletedThroughCertgate(
  state: KVNamespace,
  provider: ProviderName,
  scope: string,
): Promise<Set<string>> {
  const prefix = deletionScopePrefix(provider, scope);
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
