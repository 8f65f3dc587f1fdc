/**
 * A document's revision tree, with CouchDB's rules (couch_key_tree, couch_doc winner order, couch_db revs_diff).
 *
 * Ownership: functions that update a tree (mergePath, stem, compactTree, purgeLeaves) mutate the tree passed in
 * and return it; the caller owns the tree it loaded from storage (cloneTree, or decode again, to keep the old one).
 * Revision strings are parsed with parseRev and come back canonical (32-hex ids in lowercase, see rev-tree-parse);
 * ids in a RevHistory must already be canonical (parseRev / parseRevId), since the tree compares ids as strings.
 * Every walk is iterative, so 1000-revision chains (and deeper) are fine.
 */
export { checkRevList, parseRev, parseRevId, compareRevHash, formatRev } from './rev-tree-parse.js';
export { newTree, mergePath } from './rev-tree-insert.js';
export { sortedLeaves, winningLeaf, isLeaf, findRevision, historyOf, revsInfoOf, leavesUnder, type RevStatus } from './rev-tree-query.js';
export { missingRevisions } from './rev-tree-missing.js';
export { stem } from './rev-tree-stem.js';
export { compactTree } from './rev-tree-compact.js';
export { purgeLeaves } from './rev-tree-purge.js';
export { encodeTree, decodeTree } from './rev-tree-codec.js';
export { cloneTree } from './rev-tree-clone.js';
