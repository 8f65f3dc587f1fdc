/**
 * A document's revision tree, the way CouchDB keeps it: a forest of paths, each rooted at generation `pos`.
 * A tree has several roots only when histories were stemmed or revisions arrived with unrelated histories.
 */
export type RevTree = RevPath[];

/** One rooted branch set: `root` is the revision of generation `pos`. */
export interface RevPath {
  pos: number;
  root: RevNode;
}

/** One revision in the tree. */
export interface RevNode {
  /** The hash part of the revision id (`rev = ${generation}-${hash}`). */
  hash: string;
  /** True when this revision is a tombstone (`_deleted: true`). */
  deleted: boolean;
  /** True when the body of this revision is stored; false when only known by id (history, compacted). */
  available: boolean;
  children: RevNode[];
}

/** A leaf of the tree, with its full revision id. */
export interface RevLeaf {
  rev: string;
  pos: number;
  hash: string;
  deleted: boolean;
  available: boolean;
}

/** A revision history as CouchDB's `_revisions`: hashes newest first, the first one of generation `start`. */
export interface RevHistory {
  start: number;
  ids: string[];
}

/** What merging a new path did: extended a leaf, started a new branch (a conflict), or added nothing new. */
export type MergeOutcome = 'new_leaf' | 'new_branch' | 'internal_node';
