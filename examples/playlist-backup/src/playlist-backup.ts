import { ConflictError, PreconditionFailedError, type ServerAdapter } from '@settee/core';

/** A playlist as seed 000 stores it: a list of `{ artist: title }` entries. */
export interface Playlist {
  mySongs: Array<Record<string, string>>;
}

/** What the backup did, for the caller to print or check. */
export interface BackupReport {
  id: string;
  firstRev: string;
  secondRev: string;
  songs: number;
  staleRevError: ConflictError;
}

const FIRST_PLAYLIST: Playlist = {
  mySongs: [{ 周杰伦: '《双截棍》' }, { 陈奕迅: '《富士山下》' }, { 'Taylor Swift': '《Blank Space》' }],
};
const NEW_SONG = { 林俊杰: '《那些你很冒险的梦》' };

/**
 * Seed 000's story: back a playlist up, come back days later, fetch it with its revision, save the new song with
 * that revision, and see that a write carrying the old revision is refused with 409 instead of losing data.
 */
export async function runPlaylistBackup(server: ServerAdapter, log: (line: string) => void): Promise<BackupReport> {
  try {
    await server.createDb('playlist');
    log('created database "playlist"');
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    log('database "playlist" already exists; backing up into it');
  }
  const db = server.db('playlist');

  const saved = await db.post(FIRST_PLAYLIST);
  log(`first backup: id ${saved.id}, rev ${saved.rev}`);

  const fetched = await db.get<Playlist>(saved.id);
  log(`fetched: rev ${fetched._rev}, ${fetched.mySongs.length} songs`);

  const updated = await db.put({ ...fetched, mySongs: [...fetched.mySongs, NEW_SONG] });
  log(`added a song: new rev ${updated.rev}`);

  let staleRevError: ConflictError | undefined;
  try {
    await db.put({ ...fetched, mySongs: [] });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    staleRevError = error;
    log(`saving with the stale rev ${fetched._rev}: ${error.status} ${error.error} "${error.reason}"`);
  }
  if (!staleRevError) throw new Error('a write with a stale revision was accepted');

  const latest = await db.get<Playlist>(saved.id);
  log(`backup now holds ${latest.mySongs.length} songs at rev ${latest._rev}`);
  return { id: saved.id, firstRev: saved.rev, secondRev: updated.rev, songs: latest.mySongs.length, staleRevError };
}
