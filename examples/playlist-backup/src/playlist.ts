import { z } from 'zod';
import { Doc, field, model } from '@settee/core';

/** One entry of seed 000's playlist: `{ artist: title }`. */
export const SongEntry = z.record(z.string(), z.string());
export type SongEntry = z.infer<typeof SongEntry>;

/**
 * A playlist as seed 000 stores it: `{ "mySongs": [...] }` and nothing else. The model owns its database, so it
 * needs no type discriminator (`discriminator: false`): bodies stay exactly the seed's, and so do the revisions
 * CouchDB computes from them.
 */
@model('playlist', { discriminator: false })
export class Playlist extends Doc {
  @field(z.array(SongEntry)) mySongs!: SongEntry[];

  /** How many songs the playlist holds. */
  get size(): number {
    return this.mySongs.length;
  }

  /** True when the playlist already holds this exact entry. */
  has(song: SongEntry): boolean {
    return this.mySongs.some((entry) => sameSong(entry, song));
  }
}

function sameSong(a: SongEntry, b: SongEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The merge hook for two devices editing one playlist: their list, plus every song of mine they do not have yet.
 * Nothing either side added is lost.
 */
export function keepBothSongLists(mine: Playlist, theirs: Playlist): Playlist {
  for (const song of mine.mySongs) if (!theirs.has(song)) theirs.mySongs.push(song);
  return theirs;
}
