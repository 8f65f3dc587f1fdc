import type { RevHashBatch, RevHashPool } from '../revs/rev-hash-pool.js';
import { bodyJsonOf } from './body-json.js';
import { isLocalId } from './doc-ids.js';
import type { PreparedDoc } from './prepare-doc.js';

/** Below this many documents a batch is hashed as it is written: handing work to a thread would cost more. */
export const PARALLEL_HASH_MIN = 64;

/**
 * Before a big batch is written: encodes each body's JSON once and hands the bodies to the pool's thread, which
 * hashes them while the batch is being applied. Each document gets `bodyJson` and, when handed over, a `hashHint`
 * naming its parent and its place in the returned batch; the write path reads the hash only when that is the
 * parent it really writes under (a re-created deleted document is not) and the revision has no attachments, and
 * computes the hash itself otherwise. Call `finish()` on the returned batch once the write is done.
 */
export function precomputeRevHashes(pool: RevHashPool, docs: readonly PreparedDoc[]): RevHashBatch | undefined {
  const targets = docs.filter((doc) => !doc.attachments?.length && !(doc.id !== undefined && isLocalId(doc.id)));
  if (targets.length < PARALLEL_HASH_MIN) return undefined;
  const batch = pool.begin(targets.length, (i) => {
    const doc = targets[i]!;
    doc.bodyJson = bodyJsonOf(doc.body, doc.id);
    return { bodyJson: doc.bodyJson, deleted: doc.deleted, parent: doc.rev ?? null };
  });
  if (batch !== undefined) targets.forEach((doc, index) => (doc.hashHint = { parent: doc.rev ?? null, batch, index }));
  return batch;
}
