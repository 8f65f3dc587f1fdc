import { SetteeError, type JsonValue } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { DESIGN_PREFIX } from '../database/doc-ids.js';
import { decodeRecord, seqKey, SPACE } from '../database/records.js';
import type { LoadedDesignDoc } from '../design/design-docs.js';
import { sortedLeaves } from '../revs/rev-tree.js';
import type { RevTree } from '../revs/rev-tree-types.js';
import { SandboxTimeoutError } from '../design/sandbox.js';
import type { KeyRange, StorageOp } from '../storage/storage.js';
import { SortedRows, type MapRow } from './sorted-rows.js';
import type { ViewGroup } from './view-group.js';

/** Stored rows: `<signature> \u0001 <doc id>` → JSON list, per view slot, of the document's `[key, value]` pairs. */
export const VIEW_ROWS_SPACE = 'views';
/** Index state: `<signature>` → JSON `{seq, purgeSeq}`, the database seq the rows cover. */
export const VIEW_STATE_SPACE = 'viewstate';

const SEPARATOR = '\u0001';
/** Changes read and mapped per storage write while updating. */
const CHUNK = 1000;

interface IndexState {
  seq: number;
  purgeSeq: number;
}

function rowsRange(signature: string): KeyRange {
  return { gte: `${signature}${SEPARATOR}`, lt: `${signature}\u0002` };
}

/**
 * The index of one view group (design document signature): rows per document, and per view the rows in view
 * order. Brought up to date at query time from the changes since the seq it covers, as CouchDB does; each chunk
 * of changes is committed in one storage write (rows and the new seq together), then applied in memory.
 */
export class ViewIndex {
  private state: IndexState;
  private readonly byDoc = new Map<string, MapRow[][]>();
  readonly views: SortedRows[];

  private constructor(
    readonly group: ViewGroup,
    state: IndexState,
    rows: MapRow[][],
  ) {
    this.state = state;
    this.views = rows.map((list, slot) => new SortedRows(list, group.views[slot]!.collation));
  }

  /** The database seq the rows cover. */
  get seq(): number {
    return this.state.seq;
  }

  /** Loads the stored rows of `group` (parsing keys and values, never documents). */
  static load(ctx: DbContext, group: ViewGroup): ViewIndex {
    const stateText = ctx.storage.get(VIEW_STATE_SPACE, group.signature);
    const state: IndexState = stateText ? (JSON.parse(stateText) as IndexState) : { seq: 0, purgeSeq: ctx.meta.purgeSeq };
    const perView: MapRow[][] = group.views.map(() => []);
    const index = new ViewIndex(group, state, []);
    if (stateText) {
      const prefix = group.signature.length + 1;
      for (const [key, value] of ctx.storage.range(VIEW_ROWS_SPACE, rowsRange(group.signature))) {
        const id = key.slice(prefix);
        const rows = toRows(id, JSON.parse(value) as Array<Array<[JsonValue, JsonValue]> | 0>);
        index.byDoc.set(id, rows);
        rows.forEach((list, slot) => perView[slot]!.push(...list));
      }
    }
    perView.forEach((list, slot) => index.views.push(new SortedRows(list, group.views[slot]!.collation)));
    return index;
  }

  /** The database purge seq the rows account for. */
  get purgeSeq(): number {
    return this.state.purgeSeq;
  }

  /**
   * Bytes of the index as `_info` reports them: `external` counts the JSON of every row's key and value (CouchDB's
   * uncompressed view data), `active` the stored text of the rows (keys included).
   */
  sizes(): { active: number; external: number } {
    let active = 0;
    let external = 0;
    for (const [id, rows] of this.byDoc) {
      active += Buffer.byteLength(this.group.signature) + 1 + Buffer.byteLength(id);
      active += Buffer.byteLength(JSON.stringify(rows.map(encodeSlot)));
      for (const list of rows) {
        for (const row of list) external += Buffer.byteLength(JSON.stringify([row.key ?? null, row.value ?? null])) - 3;
      }
    }
    return { active, external };
  }

  /** Number of documents with rows in at least one view. */
  get documents(): number {
    return this.byDoc.size;
  }

  /** Maps every change after the covered seq, chunk by chunk, until the index covers the database. */
  update(ctx: DbContext, ddoc: LoadedDesignDoc): void {
    if (ctx.meta.purgeSeq !== this.state.purgeSeq) this.reset(ctx);
    const handles = this.group.views.map((view) => ddoc.compiled(view.map));
    for (;;) {
      const target = ctx.meta.updateSeq;
      if (this.state.seq >= target) return;
      const changes = ctx.storage.range(SPACE.seqs, { gt: seqKey(this.state.seq), limit: CHUNK });
      const last = changes.at(-1);
      const nextSeq = changes.length < CHUNK || !last ? target : Number(last[0]);
      this.applyChunk(ctx, ddoc, handles, changes.map(([, id]) => id), nextSeq);
    }
  }

  private applyChunk(ctx: DbContext, ddoc: LoadedDesignDoc, handles: number[], ids: string[], nextSeq: number): void {
    const texts = ctx.storage.getMany(SPACE.docs, ids);
    const mappedIds: string[] = [];
    const docs: string[] = [];
    const { includeDesign, localSeq } = this.group;
    ids.forEach((id, i) => {
      const text = texts[i];
      // Design documents reach map functions only with the design option `include_design` (as in CouchDB).
      if (text === undefined || (!includeDesign && id.startsWith(DESIGN_PREFIX))) return;
      mappedIds.push(id);
      docs.push(docJson(id, text, localSeq));
    });
    let mapped: Array<Array<Array<[JsonValue, JsonValue]> | null>>;
    try {
      mapped = docs.length === 0 ? [] : ddoc.sandbox.mapDocs(handles, docs);
    } catch (error) {
      if (error instanceof SandboxTimeoutError) throw new SetteeError(500, 'os_process_error', `The map function timed out: ${error.message}`);
      throw error;
    }
    const next = new Map<string, MapRow[][] | undefined>(ids.map((id) => [id, undefined]));
    mappedIds.forEach((id, i) => {
      const perView = mapped[i]!.map((pairs) => pairs ?? []);
      const rows = toRows(id, perView);
      next.set(id, rows.some((list) => list.length > 0) ? rows : undefined);
    });

    const ops: StorageOp[] = [];
    const removed: MapRow[][] = this.group.views.map(() => []);
    const added: MapRow[][] = this.group.views.map(() => []);
    for (const [id, rows] of next) {
      const old = this.byDoc.get(id);
      if (!old && !rows) continue;
      old?.forEach((list, slot) => removed[slot]!.push(...list));
      rows?.forEach((list, slot) => added[slot]!.push(...list));
      const key = `${this.group.signature}${SEPARATOR}${id}`;
      if (rows) ops.push({ type: 'put', space: VIEW_ROWS_SPACE, key, value: JSON.stringify(rows.map(encodeSlot)) });
      else ops.push({ type: 'del', space: VIEW_ROWS_SPACE, key });
    }
    const state: IndexState = { seq: nextSeq, purgeSeq: this.state.purgeSeq };
    ops.push({ type: 'put', space: VIEW_STATE_SPACE, key: this.group.signature, value: JSON.stringify(state) });
    ctx.storage.write(ops);
    // Durable: now the memory follows.
    for (const [id, rows] of next) {
      if (rows) this.byDoc.set(id, rows);
      else this.byDoc.delete(id);
    }
    this.views.forEach((view, slot) => view.apply(removed[slot]!, added[slot]!));
    this.state = state;
  }

  /** A purge removed history the changes cannot replay: start again from nothing. */
  private reset(ctx: DbContext): void {
    const ops: StorageOp[] = ctx.storage.range(VIEW_ROWS_SPACE, rowsRange(this.group.signature)).map(([key]) => ({ type: 'del', space: VIEW_ROWS_SPACE, key }));
    const state: IndexState = { seq: 0, purgeSeq: ctx.meta.purgeSeq };
    ops.push({ type: 'put', space: VIEW_STATE_SPACE, key: this.group.signature, value: JSON.stringify(state) });
    ctx.storage.write(ops);
    this.byDoc.clear();
    this.views.splice(0, this.views.length, ...this.group.views.map((view) => new SortedRows([], view.collation)));
    this.state = state;
  }
}

/** Drops the stored rows of every index whose signature is not in `live` (CouchDB's `_view_cleanup`). */
export function dropStaleIndexes(ctx: DbContext, live: ReadonlySet<string>): void {
  const ops: StorageOp[] = [];
  for (const [signature] of ctx.storage.range(VIEW_STATE_SPACE)) {
    if (live.has(signature)) continue;
    ops.push({ type: 'del', space: VIEW_STATE_SPACE, key: signature });
    for (const [key] of ctx.storage.range(VIEW_ROWS_SPACE, rowsRange(signature))) ops.push({ type: 'del', space: VIEW_ROWS_SPACE, key });
  }
  if (ops.length > 0) ctx.storage.write(ops);
}

/**
 * The document as map functions see it (CouchDB opens it with `conflicts` and `deleted_conflicts`, plus `local_seq`
 * with that design option): `_id`, `_rev`, the stored body (its JSON text spliced, not parsed), `_local_seq`,
 * `_conflicts`, `_deleted_conflicts`, then attachment stubs, in the order CouchDB writes them.
 */
function docJson(id: string, recordText: string, withLocalSeq: boolean): string {
  const record = decodeRecord(id, recordText);
  const { body, atts } = record.winnerBody;
  let text = `{"_id":${JSON.stringify(id)},"_rev":${JSON.stringify(record.winner)}`;
  if (body.length > 2) text += `,${body.slice(1, -1)}`;
  if (withLocalSeq) text += `,"_local_seq":${record.seq}`;
  if (isBranched(record.tree)) {
    const others = sortedLeaves(record.tree).slice(1);
    const conflicts = others.filter((leaf) => !leaf.deleted).map((leaf) => leaf.rev);
    const deleted = others.filter((leaf) => leaf.deleted).map((leaf) => leaf.rev);
    if (conflicts.length > 0) text += `,"_conflicts":${JSON.stringify(conflicts)}`;
    if (deleted.length > 0) text += `,"_deleted_conflicts":${JSON.stringify(deleted)}`;
  }
  if (atts) {
    const stubs: Record<string, unknown> = {};
    for (const [name, att] of Object.entries(atts)) stubs[name] = { ...att, stub: true };
    text += `,"_attachments":${JSON.stringify(stubs)}`;
  }
  return `${text}}`;
}

/** True when the tree has more than one leaf (a plain history, the common case, has one and no conflicts). */
function isBranched(tree: RevTree): boolean {
  if (tree.length !== 1) return true;
  for (let node = tree[0]!.root; node.children.length > 0; node = node.children[0]!) {
    if (node.children.length > 1) return true;
  }
  return false;
}

function toRows(id: string, perView: ReadonlyArray<ReadonlyArray<[JsonValue, JsonValue]> | 0>): MapRow[][] {
  return perView.map((pairs) => (pairs === 0 ? [] : pairs.map(([key, value]) => ({ key, id, value }))));
}

function encodeSlot(rows: readonly MapRow[]): Array<[JsonValue, JsonValue]> | 0 {
  return rows.length === 0 ? 0 : rows.map((row) => [row.key, row.value]);
}

