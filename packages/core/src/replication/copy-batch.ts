import type { ChangesRow } from '../adapter/changes.js';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { Document } from '../adapter/documents.js';
import { SetteeError } from '../errors/settee-error.js';
import type { RevisionFetcher, MissingRevisions } from './fetch-revisions.js';
import type { MutableStats } from './stats.js';

/** True for CouchDB's answer to a stub whose attachment the target cannot find in the revision's ancestors. */
function isMissingStub(error: unknown): boolean {
  return error instanceof SetteeError && error.error === 'missing_stub';
}

/**
 * Copies the revisions of one batch of changes the target lacks: `_revs_diff` on the target, the missing revisions
 * from the source (attachments changed since the target's ancestors inline, others as stubs), then one
 * `_bulk_docs` with `new_edits: false`, which merges them into the target's revision trees as they are. Documents
 * the target refuses count in `doc_write_failures` and do not stop the replication (CouchDB's rule).
 */
export async function copyBatch(
  rows: readonly ChangesRow[],
  fetcher: RevisionFetcher,
  target: DatabaseAdapter,
  stats: MutableStats,
  aborted: () => boolean,
): Promise<void> {
  const request: Record<string, string[]> = {};
  let checked = 0;
  for (const row of rows) {
    const revs = (request[row.id] ??= []);
    for (const change of row.changes) {
      if (!revs.includes(change.rev)) {
        revs.push(change.rev);
        checked += 1;
      }
    }
  }
  if (checked === 0) return;
  const diff = await target.revsDiff(request);
  stats.missing_checked += checked;
  const missing: MissingRevisions[] = [];
  for (const [id, entry] of Object.entries(diff)) {
    if (entry.missing.length === 0) continue;
    stats.missing_found += entry.missing.length;
    missing.push({ id, revs: entry.missing, possibleAncestors: entry.possible_ancestors ?? [] });
  }
  if (missing.length === 0 || aborted()) return;

  let docs = await fetcher.fetch(missing, true, stats);
  if (aborted()) return;
  let failures: number;
  try {
    failures = await writeRevisions(target, docs);
  } catch (error) {
    if (!isMissingStub(error)) throw error;
    // The target lacks an attachment we sent as a stub (its ancestor was compacted away): send the bytes.
    docs = await fetcher.fetch(missing, false, stats);
    if (aborted()) return;
    failures = await writeRevisions(target, docs);
  }
  stats.docs_read += docs.length;
  stats.docs_written += docs.length - failures;
  stats.doc_write_failures += failures;
}

/** Writes the revisions as they are; answers how many the target refused. */
async function writeRevisions(target: DatabaseAdapter, docs: readonly Document[]): Promise<number> {
  if (docs.length === 0) return 0;
  const results = await target.bulkDocs(docs, { new_edits: false });
  let failures = 0;
  for (const result of results) {
    if (!('error' in result)) continue;
    if (result.error === 'missing_stub') throw new SetteeError(412, 'missing_stub', result.reason);
    failures += 1;
  }
  return failures;
}
