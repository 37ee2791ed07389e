/**
 * The isolate's remembered read answers: serialized bodies and their ETags, by the name http/answers.ts
 * gives them (route, cache entry versions, effective query, grants). Bounded in bytes (byte-lru.ts): an
 * answer is charged its body and name at 2 bytes a character plus `ENTRY_OVERHEAD_BYTES`; answers of
 * entry versions no longer read age out as least recently used. Also remembers one derived string per
 * object (a principal's grants key), weakly: it lives as long as the object.
 */
import { createByteLru } from "./byte-lru";

/** Default bound: 8 MiB of the isolate's 128 MB (the decoded lists take up to 32 MiB, store.ts). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** What a remembered answer costs besides its body and name (objects, the tag). */
const ENTRY_OVERHEAD_BYTES = 200;

export interface RememberedAnswer {
  /** The serialized JSON body (the runtime encodes it as UTF-8). */
  body: string;
  etag: string;
  /** The answer holds until this time (epoch ms; exclusive): the clock changes it then. */
  until: number;
}

export function createAnswerMemo(maxBytes: number = MAX_ANSWER_BYTES) {
  const made = createByteLru<RememberedAnswer>(maxBytes);
  const derived = new WeakMap<object, string>();
  return {
    get: (name: string) => made.get(name),
    set: (name: string, answer: RememberedAnswer) =>
      made.set(name, answer, (answer.body.length + name.length) * 2 + ENTRY_OVERHEAD_BYTES),
    /** `derive(owner)`, computed once per owner object. */
    derivedOf<T extends object>(owner: T, derive: (owner: T) => string): string {
      let known = derived.get(owner);
      if (known === undefined) {
        known = derive(owner);
        derived.set(owner, known);
      }
      return known;
    },
    bytes: () => made.bytes(),
  };
}

export type AnswerMemo = ReturnType<typeof createAnswerMemo>;
