import { RevisionConflictError, Settee, type ServerAdapter } from '@settee/core';
import { keepBothSongLists, Playlist, type SongEntry } from './playlist.js';

/** What the backup did, for the caller to print or check. */
export interface BackupReport {
  id: string;
  /** The revision of the first backup: CouchDB's own for seed 000's body. */
  firstRev: string;
  /** After the new song was saved. */
  secondRev: string;
  /** The refusal of a save from the stale first copy. */
  staleRevError: RevisionConflictError;
  /** After the desktop's and the phone's concurrent edits were merged. */
  finalRev: string;
  /** The songs the backup holds at the end. */
  songs: SongEntry[];
}

export const FIRST_SONGS: SongEntry[] = [{ 周杰伦: '《双截棍》' }, { 陈奕迅: '《富士山下》' }, { 'Taylor Swift': '《Blank Space》' }];
export const NEW_SONG: SongEntry = { 林俊杰: '《那些你很冒险的梦》' };
export const DESKTOP_SONG: SongEntry = { 王菲: '《红豆》' };
export const PHONE_SONG: SongEntry = { Adele: '《Hello》' };

/**
 * Seed 000's story, typed: back a playlist up, come back days later, fetch it with its revision, save the new
 * song, and see that a save from the stale copy is refused with 409 instead of losing data. Then two devices edit
 * the backup at the same time, and a merge hook keeps both edits.
 */
export async function runPlaylistBackup(server: ServerAdapter, log: (line: string) => void): Promise<BackupReport> {
  const existed = (await server.allDbs()).includes('playlist');
  log(existed ? 'database "playlist" already exists; backing up into it' : 'creating database "playlist"');
  // The caller owns the server (and closes it), so this Settee is left open.
  const settee = await Settee.open(server, 'playlist');
  const playlists = settee.repository(Playlist);

  const first = await playlists.create({ mySongs: FIRST_SONGS });
  log(`first backup: id ${first._id}, rev ${first._rev}`);
  const firstRev = first._rev!;

  const fetched = await playlists.get(first._id);
  log(`fetched: rev ${fetched._rev}, ${fetched.size} songs`);
  fetched.mySongs.push(NEW_SONG);
  await playlists.save(fetched);
  log(`added a song: new rev ${fetched._rev}`);
  const secondRev = fetched._rev!;

  first.mySongs = [];
  const staleRevError = await playlists.save(first).then(
    () => {
      throw new Error('a save from a stale copy was accepted');
    },
    (error: unknown) => {
      if (!(error instanceof RevisionConflictError)) throw error;
      return error;
    },
  );
  log(`saving the stale copy: ${staleRevError.status} ${staleRevError.error}, it was at ${staleRevError.attemptedRev}, the backup is at ${staleRevError.currentRev}`);

  // The desktop adds a song, but looks it up first; meanwhile the phone saves another one. The desktop's write then
  // conflicts, and with no retries left the merge hook combines both lists.
  let phoneSaved = false;
  const merged = await playlists.update(
    first._id,
    async (draft) => {
      if (!phoneSaved) {
        phoneSaved = true;
        const phone = await playlists.get(first._id);
        phone.mySongs.push(PHONE_SONG);
        await playlists.save(phone);
        log(`the phone added a song meanwhile: rev ${phone._rev}`);
      }
      draft.mySongs.push(DESKTOP_SONG);
    },
    {
      retries: 0,
      onConflict: (mine, theirs) => {
        log(`conflict: merging the desktop's ${mine.size} songs into the phone's ${theirs.size}`);
        return keepBothSongLists(mine, theirs);
      },
    },
  );
  log(`backup now holds ${merged.size} songs at rev ${merged._rev}`);
  return { id: first._id, firstRev, secondRev, staleRevError, finalRev: merged._rev!, songs: merged.mySongs };
}
