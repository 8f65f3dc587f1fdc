import type { RevHashBatch, RevHashPool } from '../revs/rev-hash-pool.js';
import { BodyNotJsonError, bodyJsonOf } from './body-json.js';
import { isLocalId } from './doc-ids.js';
import type { PreparedDoc } from './prepare-doc.js';

/** Below this many documents a batch is hashed as it is written: handing work to a thread would cost more. */
export const PARALLEL_HASH_MIN = 64;

/**
 * Before a big batch is written: encodes the bodies as JSON a chunk at a time (one `JSON.stringify` per chunk of
 * bodies costs clearly less than one per body) and hands the chunks to the pool's thread, which hashes them and finds
 * each body's JSON while the batch is being applied. Each document handed over gets `encoded`, its place in the
 * returned batch: its JSON is read from there (see {@link preparedBodyJson}), and its hash when the parent it was
 * hashed for is the one it is really written under (a re-created deleted document is not). Documents with
 * attachments are left to the write path. Call `finish()` on the returned batch once the write is done.
 */
export function precomputeRevHashes(pool: RevHashPool, docs: readonly PreparedDoc[]): RevHashBatch | undefined {
  const targets = docs.filter((doc) => !doc.attachments?.length && !(doc.id !== undefined && isLocalId(doc.id)));
  if (targets.length < PARALLEL_HASH_MIN) return undefined;
  const batch = pool.begin(
    targets.length,
    (i) => ({ deleted: targets[i]!.deleted, parent: targets[i]!.rev ?? null }),
    (from, to) => chunkJson(targets, from, to),
  );
  if (batch !== undefined) targets.forEach((doc, index) => (doc.encoded = { parent: doc.rev ?? null, batch, index }));
  return batch;
}

/** The body's stored JSON text: from the batch it was encoded in, or encoded now. */
export function preparedBodyJson(doc: PreparedDoc, id: string): string {
  return doc.encoded ? doc.encoded.batch.bodyJson(doc.encoded.index) : bodyJsonOf(doc.body, id);
}

/** The JSON array of the bodies of `docs[from..to)`; a body JSON cannot represent fails as bodyJsonOf says. */
function chunkJson(docs: readonly PreparedDoc[], from: number, to: number): string {
  const bodies = docs.slice(from, to).map((doc) => doc.body);
  try {
    return JSON.stringify(bodies);
  } catch (error) {
    // Name the first document that cannot be encoded, as encoding them one by one would.
    for (let i = from; i < to; i++) bodyJsonOf(docs[i]!.body, docs[i]!.id);
    throw new BodyNotJsonError(`A document is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
