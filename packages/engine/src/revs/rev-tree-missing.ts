import { formatRev, parseRev } from './rev-tree-parse.js';
import type { RevNode, RevTree } from './rev-tree-types.js';
import { collectLeaves, compareLeavesForWinner } from './rev-tree-walk.js';

interface Key {
  pos: number;
  hash: string;
}

/**
 * revs_diff for one doc (couch_db:get_missing_revs): which of `revs` the tree lacks, and the possible_ancestors:
 * every leaf (winner order) of a lower generation than the newest missing rev. `missing` comes in
 * couch_key_tree:find_missing's order, which regroups the input by generation as it walks the tree (the recorded
 * `["3-c", "4-e", "2-f"]` -> `["2-f", "4-e"]`). Revs come back canonical; malformed ones throw BadRequestError.
 */
export function missingRevisions(tree: RevTree, revs: readonly string[]): { missing: string[]; possibleAncestors: string[] } {
  let keys: Key[] = revs.map((rev) => parseRev(rev));
  for (const { pos, root } of tree) {
    if (keys.length === 0) break;
    const below = keys.filter((key) => key.pos < pos);
    const candidates = keys.filter((key) => key.pos >= pos);
    keys = below.concat(findMissingIn(pos, root, candidates));
  }
  if (keys.length === 0) return { missing: [], possibleAncestors: [] };
  let newest = -Infinity;
  for (const key of keys) if (key.pos > newest) newest = key.pos;
  const possibleAncestors = collectLeaves(tree)
    .sort(compareLeavesForWinner)
    .filter((leaf) => leaf.pos < newest)
    .map((leaf) => leaf.rev);
  return { missing: keys.map((key) => formatRev(key.pos, key.hash)), possibleAncestors };
}

/**
 * find_missing_simple over one branch, as an explicit machine instead of recursion. For a sibling list at
 * generation `pos`, starting at sibling `index`:
 *   result = (keys older than pos) ++ fms(pos, next sibling, fms(pos + 1, children, keys minus this node))
 * (`--` drops only the first equal key, so a rev listed twice is reported once even when present).
 */
function findMissingIn(rootPos: number, root: RevNode, keys: Key[]): Key[] {
  type Call = { pos: number; siblings: RevNode[]; index: number; keys: Key[] };
  type Frame = { kind: 'siblings'; pos: number; siblings: RevNode[]; index: number; older: Key[] } | { kind: 'prepend'; older: Key[] };
  const frames: Frame[] = [];
  let call: Call | undefined = { pos: rootPos, siblings: [root], index: 0, keys };
  let result: Key[] = [];
  for (;;) {
    if (call) {
      const { pos, siblings, index }: Call = call;
      if (call.keys.length === 0 || index >= siblings.length) {
        result = call.keys.length === 0 ? [] : call.keys;
        call = undefined;
      } else {
        const node: RevNode = siblings[index]!;
        const older: Key[] = [];
        const rest: Key[] = [];
        for (const key of call.keys) (key.pos < pos ? older : rest).push(key);
        const found = rest.findIndex((key) => key.pos === pos && key.hash === node.hash);
        if (found >= 0) rest.splice(found, 1);
        frames.push({ kind: 'siblings', pos, siblings, index: index + 1, older });
        call = { pos: pos + 1, siblings: node.children, index: 0, keys: rest };
        continue;
      }
    }
    const frame = frames.pop();
    if (!frame) return result;
    if (frame.kind === 'prepend') {
      if (frame.older.length > 0) result = frame.older.concat(result);
    } else {
      frames.push({ kind: 'prepend', older: frame.older });
      call = { pos: frame.pos, siblings: frame.siblings, index: frame.index, keys: result };
    }
  }
}
