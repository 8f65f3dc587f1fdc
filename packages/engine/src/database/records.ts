import { decodeTree, encodeTree } from '../revs/rev-tree.js';
import type { RevTree } from '../revs/rev-tree-types.js';
import type { StoredAttachments } from './attachment-meta.js';

/**
 * Key spaces of one database's storage:
 * - `docs`: live documents (winner not deleted), id → DocRecord; `tombs`: documents whose winner is a tombstone.
 *   Splitting them keeps `_all_docs` a plain range scan whose `offset` and `total_rows` are counts.
 * - `revs`: bodies of stored revisions other than the winner, `${id}\u0001${rev}` → RevBody.
 * - `seqs`: the changes index, zero-padded seq → document id (one entry per document, at its latest seq). The value
 *   is the same string as the record's key, so in memory the entry costs a pointer, not a copy.
 * - `local`: `_local` documents; `atts`: attachment bytes (base64) by digest; `meta`: counters and settings.
 */
export const SPACE = {
  docs: 'docs',
  tombs: 'tombs',
  revs: 'revs',
  seqs: 'seqs',
  local: 'local',
  atts: 'atts',
  meta: 'meta',
} as const;

/** The stored body of one revision: user members (no `_` members) and its attachments' metadata. */
export interface RevBody {
  /** JSON text of the body object without special members. */
  body: string;
  /** Attachment metadata, or undefined when the revision has none. */
  atts: StoredAttachments | undefined;
}

/** Everything stored about one document, decoded. */
export interface DocRecord {
  id: string;
  seq: number;
  /** The winning revision id and whether it is a tombstone (denormalised from the tree for fast listing). */
  winner: string;
  deleted: boolean;
  tree: RevTree;
  /** The winning revision's body. */
  winnerBody: RevBody;
}

const SEP = '\n';

/**
 * Record layout: `seq \n winner \n deleted(0|1) \n tree \n atts \n body`. Plain lines keep listing cheap: the
 * winner rev is read without parsing JSON, and the body is spliced into the answer's JSON text.
 * (JSON.stringify never emits a raw newline, so the separators are unambiguous.) The tree is left empty when it
 * is just the winner (most documents): it is rebuilt from the winner on decode, saving a second copy of the rev.
 */
export function encodeRecord(record: DocRecord): string {
  // join copies into one flat string: the body may be a slice of a whole chunk's JSON, which must not be kept alive.
  const atts = record.winnerBody.atts ? JSON.stringify(record.winnerBody.atts) : '';
  const tree = isJustWinner(record) ? '' : encodeTree(record.tree);
  return [record.seq, record.winner, record.deleted ? '1' : '0', tree, atts, record.winnerBody.body].join(SEP);
}

function isJustWinner({ tree, winner, deleted }: DocRecord): boolean {
  if (tree.length !== 1) return false;
  const { pos, root } = tree[0]!;
  if (root.children.length !== 0 || !root.available || root.deleted !== deleted) return false;
  // winner === `${pos}-${root.hash}`, compared without building that string on every write.
  const dash = winner.length - root.hash.length - 1;
  return dash > 0 && winner.charCodeAt(dash) === 0x2d && winner.endsWith(root.hash) && winner.slice(0, dash) === String(pos);
}

function winnerOnlyTree(winner: string, deleted: boolean): RevTree {
  const dash = winner.indexOf('-');
  return [{ pos: Number(winner.slice(0, dash)), root: { hash: winner.slice(dash + 1), deleted, available: true, children: [] } }];
}

/** The fields of a record that listing needs, without decoding the tree. */
export interface RecordHead {
  seq: number;
  winner: string;
  deleted: boolean;
}

export function decodeRecordHead(text: string): RecordHead {
  const a = text.indexOf(SEP);
  const b = text.indexOf(SEP, a + 1);
  return { seq: Number(text.slice(0, a)), winner: text.slice(a + 1, b), deleted: text.charCodeAt(b + 1) === 49 };
}

export function decodeRecord(id: string, text: string): DocRecord {
  const parts = splitLines(text, 6);
  const winner = parts[1]!;
  const deleted = parts[2] === '1';
  return {
    id,
    seq: Number(parts[0]),
    winner,
    deleted,
    tree: parts[3] ? decodeTree(parts[3]) : winnerOnlyTree(winner, deleted),
    winnerBody: { atts: parts[4] ? (JSON.parse(parts[4]) as StoredAttachments) : undefined, body: parts[5]! },
  };
}

/** The winner and its body and attachments, found with five `indexOf`s: what listings of live documents need. */
export function decodeRecordWinner(text: string): { winner: string; body: RevBody } {
  const a = text.indexOf(SEP);
  const b = text.indexOf(SEP, a + 1);
  const c = text.indexOf(SEP, b + 1);
  const d = text.indexOf(SEP, c + 1);
  const e = text.indexOf(SEP, d + 1);
  const atts = e > d + 1 ? (JSON.parse(text.slice(d + 1, e)) as StoredAttachments) : undefined;
  return { winner: text.slice(a + 1, b), body: { atts, body: text.slice(e + 1) } };
}

/** The winner's body and attachments straight from the record text, skipping the tree. */
export function decodeRecordBody(text: string): RevBody {
  return decodeRecordWinner(text).body;
}

export function encodeRevBody(rev: RevBody): string {
  // join copies into one flat string: the body may be a slice of a whole chunk's JSON, which must not be kept alive.
  return [rev.atts ? JSON.stringify(rev.atts) : '', rev.body].join(SEP);
}

export function decodeRevBody(text: string): RevBody {
  const i = text.indexOf(SEP);
  const atts = text.slice(0, i);
  return { atts: atts ? (JSON.parse(atts) as StoredAttachments) : undefined, body: text.slice(i + 1) };
}

export function revKey(id: string, rev: string): string {
  return `${id}\u0001${rev}`;
}

/** Seqs are stored as fixed-width decimal keys so byte order is numeric order. */
export function seqKey(seq: number): string {
  return seq.toString().padStart(16, '0');
}

function splitLines(text: string, count: number): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < count - 1; i++) {
    const end = text.indexOf(SEP, start);
    parts.push(text.slice(start, end));
    start = end + 1;
  }
  parts.push(text.slice(start));
  return parts;
}
