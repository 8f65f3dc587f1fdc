import { makePlaylists, type Playlist } from '../docs.js';

/** A playlist with a numeric `rank`: the field the benchmark indexes and queries. */
export type RankedPlaylist = Playlist & { rank: number };

/** Document count of every case. */
export const DOC_COUNT = 10_000;
/** The query keeps ranks in [FROM, FROM + MATCHES): 1,000 of the 10,000 documents. */
const FROM = 2_500;
export const MATCHES = 1_000;

/** The selector of the measured query. */
export const RANK_SELECTOR = { rank: { $gte: FROM, $lt: FROM + MATCHES } };

/**
 * The benchmark's playlists (about 700 bytes of JSON each) with `rank` a permutation of 0..count-1 that is not the
 * id order (i·7919 mod count), so the indexed documents are spread over the whole id range as real data would be.
 */
export function makeRankedPlaylists(count = DOC_COUNT): RankedPlaylist[] {
  return makePlaylists(0, count).map((doc, i) => ({ ...doc, rank: (i * 7919) % count }));
}
