import type { RevHashPool } from '../revs/rev-hash-pool.js';
import { bodyJsonOf } from './body-json.js';
import { isLocalId } from './doc-ids.js';
import type { PreparedDoc } from './prepare-doc.js';

/** Below this many documents a batch is hashed as it is written: handing work to a thread would cost more. */
export const PARALLEL_HASH_MIN = 64;

/**
 * Before a big batch is written: encodes each body's JSON once and has the pool hash them on two threads. Each
 * document gets `bodyJson` and, when hashed, a `hashHint` for the parent it names; the write path uses the hint
 * only when that is the parent it really writes under (a re-created deleted document is not) and the revision has
 * no attachments, and computes the hash itself otherwise.
 */
export async function precomputeRevHashes(pool: RevHashPool, docs: readonly PreparedDoc[]): Promise<void> {
  const targets = docs.filter((doc) => !doc.attachments?.length && !(doc.id !== undefined && isLocalId(doc.id)));
  if (targets.length < PARALLEL_HASH_MIN) return;
  const hashes = await pool.hashAll(targets.length, (i) => {
    const doc = targets[i]!;
    doc.bodyJson = bodyJsonOf(doc.body, doc.id);
    return { bodyJson: doc.bodyJson, deleted: doc.deleted, parent: doc.rev ?? null };
  });
  targets.forEach((doc, i) => {
    const hash = hashes[i];
    if (hash !== undefined) doc.hashHint = { parent: doc.rev ?? null, hash };
  });
}
