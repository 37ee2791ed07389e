/**
 * The monitor's last observations of each scope's certificates (its STATE, monitor/state.ts), for a
 * scope whose list is neither in KV nor in this isolate's memory (its KV entry aged out, or a write
 * through certgate invalidated it and nothing has listed it since). Read only when needed; like the
 * report, the text is parsed only when it changed and a read younger than `maxAgeMs` is reused.
 */
import { type MonitorState, MonitorStateSchema, STATE_KEY } from "../monitor/state";

interface Remembered {
  text: string | null;
  state: MonitorState | null;
  readAt: number;
}

export interface StateReader {
  /** The monitor's state, or null (none, unreadable, or KV failed: the caller goes without). */
  latest(kv: KVNamespace, now: number, maxAgeMs: number): Promise<MonitorState | null>;
}

function parse(text: string | null): MonitorState | null {
  if (text === null) return null;
  try {
    const parsed = MonitorStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function createStateReader(): StateReader {
  const remembered = new WeakMap<KVNamespace, Remembered>();
  return {
    async latest(kv, now, maxAgeMs) {
      const known = remembered.get(kv);
      if (known && now - known.readAt < maxAgeMs && now >= known.readAt) return known.state;
      let text: string | null;
      try {
        text = await kv.get(STATE_KEY, "text");
      } catch {
        return known?.state ?? null;
      }
      const state = known && known.text === text ? known.state : parse(text);
      remembered.set(kv, { text, state, readAt: now });
      return state;
    },
  };
}
