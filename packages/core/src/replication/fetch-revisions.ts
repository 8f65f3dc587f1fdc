import type { BulkGetRequest } from '../adapter/bulk.js';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { Document } from '../adapter/documents.js';
import { SetteeError } from '../errors/settee-error.js';
import type { MutableStats } from './stats.js';

/** One document's revisions the target lacks, and the leaves it has that may hold their attachments. */
export interface MissingRevisions {
  readonly id: string;
  readonly revs: readonly string[];
  readonly possibleAncestors: readonly string[];
}

/** How many documents the `open_revs` fallback reads at once. */
const OPEN_REVS_CONCURRENCY = 8;

/** Statuses with which a server without `_bulk_get` (CouchDB before 2.0, some proxies) refuses the endpoint. */
const UNSUPPORTED = new Set([400, 404, 405, 501]);

/**
 * Reads the missing revisions from the source with their history (`revs`) and attachment bodies: first revisions
 * that are still their document's winner with one `_all_docs` read, the others with `_bulk_get`
 * `revs=true&latest=true` in one call, falling back for good to one `open_revs` read per document where the
 * source lacks `_bulk_get`. With `sinceAncestors`, attachments the target already has in a possible ancestor come
 * as stubs (`atts_since`). Revisions the source no longer has are left out.
 */
export class RevisionFetcher {
  #bulkGet = true;
  #allDocs = true;

  constructor(private readonly source: DatabaseAdapter) {}

  /** Reads the revisions; `stats` counts those asked for and read in bulk (CouchDB's `bulk_get_*` counters). */
  async fetch(missing: readonly MissingRevisions[], sinceAncestors: boolean, stats?: MutableStats): Promise<Document[]> {
    const { found, rest } = await this.#firstGenerations(missing, stats);
    if (rest.length === 0) return found;
    return [...found, ...(await this.#withHistory(rest, sinceAncestors, stats))];
  }

  /**
   * PouchDB's shortcut for a document's first revision (most documents of a first replication): its history is
   * itself, so `_all_docs` with `include_docs` (a cheaper read than `_bulk_get` on every backend) gives all there is
   * to write, whenever that revision is still the document's winner. Everything else goes the usual way.
   */
  async #firstGenerations(
    missing: readonly MissingRevisions[],
    stats: MutableStats | undefined,
  ): Promise<{ found: Document[]; rest: MissingRevisions[] }> {
    const candidates = new Map<string, string>();
    for (const entry of missing) {
      const [rev] = entry.revs;
      if (entry.revs.length === 1 && rev !== undefined && rev.startsWith('1-')) candidates.set(entry.id, rev);
    }
    if (!this.#allDocs || candidates.size === 0) return { found: [], rest: [...missing] };
    let answer;
    try {
      answer = await this.source.allDocs({ keys: [...candidates.keys()], include_docs: true, attachments: true });
    } catch (error) {
      if (!(error instanceof SetteeError) || !UNSUPPORTED.has(error.status) || error.reason === 'Database does not exist.') {
        throw error;
      }
      this.#allDocs = false;
      return { found: [], rest: [...missing] };
    }
    const found: Document[] = [];
    const done = new Set<string>();
    for (const row of answer.rows) {
      if (!('value' in row) || row.doc === undefined || row.doc === null || row.value.deleted === true) continue;
      const wanted = candidates.get(row.id);
      if (wanted === undefined || row.value.rev !== wanted || row.doc._rev !== wanted || done.has(row.id)) continue;
      // Answers belong to the caller (the contract's rule), so the document can take its history in place.
      const doc = row.doc;
      doc._revisions = { start: 1, ids: [wanted.slice(2)] };
      found.push(doc);
      done.add(row.id);
    }
    if (stats !== undefined) {
      stats.bulk_get_attempts += candidates.size;
      stats.bulk_get_docs += found.length;
    }
    return { found, rest: missing.filter((entry) => !done.has(entry.id)) };
  }

  async #withHistory(missing: readonly MissingRevisions[], sinceAncestors: boolean, stats: MutableStats | undefined): Promise<Document[]> {
    if (this.#bulkGet) {
      try {
        return await this.#viaBulkGet(missing, sinceAncestors, stats);
      } catch (error) {
        if (!(error instanceof SetteeError) || !UNSUPPORTED.has(error.status) || error.reason === 'Database does not exist.') {
          throw error;
        }
        this.#bulkGet = false;
      }
    }
    return this.#viaOpenRevs(missing, sinceAncestors);
  }

  async #viaBulkGet(missing: readonly MissingRevisions[], sinceAncestors: boolean, stats: MutableStats | undefined): Promise<Document[]> {
    const requests: BulkGetRequest[] = [];
    for (const entry of missing) {
      for (const rev of entry.revs) {
        const attsSince = sinceAncestors && entry.possibleAncestors.length > 0 ? { atts_since: [...entry.possibleAncestors] } : {};
        requests.push({ id: entry.id, rev, ...attsSince });
      }
    }
    const answer = await this.source.bulkGet(requests, { revs: true, latest: true, attachments: true });
    const docs: Document[] = [];
    for (const result of answer.results) {
      for (const entry of result.docs) if ('ok' in entry) docs.push(entry.ok);
    }
    if (stats !== undefined) {
      stats.bulk_get_attempts += requests.length;
      stats.bulk_get_docs += docs.length;
    }
    return uniqueRevisions(docs);
  }

  async #viaOpenRevs(missing: readonly MissingRevisions[], sinceAncestors: boolean): Promise<Document[]> {
    const docs: Document[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < missing.length) {
        const entry = missing[next++]!;
        const attsSince = sinceAncestors && entry.possibleAncestors.length > 0 ? { atts_since: [...entry.possibleAncestors] } : {};
        const answer = await this.source.getOpenRevs(entry.id, [...entry.revs], { revs: true, latest: true, attachments: true, ...attsSince });
        for (const item of answer) if ('ok' in item) docs.push(item.ok);
      }
    };
    await Promise.all(Array.from({ length: Math.min(OPEN_REVS_CONCURRENCY, missing.length) }, worker));
    return uniqueRevisions(docs);
  }
}

/** With `latest`, two requested revisions may lead to the same leaf: write each revision once. */
function uniqueRevisions(docs: Document[]): Document[] {
  const seen = new Set<string>();
  return docs.filter((doc) => {
    const key = `${doc._id}\u0000${doc._rev}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
