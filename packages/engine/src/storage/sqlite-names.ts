/**
 * Safe, reversible names for the SQLite backend: database names become file names, space names become table names.
 */

/** Database files end with this; `-wal` and `-shm` companions append to it. */
export const DATABASE_FILE_SUFFIX = '.sqlite';

/** Characters kept as they are in file names: lower case only, so names stay distinct on case-insensitive disks. */
const FILE_SAFE = /^[a-z0-9_-]$/;

/**
 * The file name of database `name`: `[a-z0-9_-]` kept, every other character percent-encoded as lower-case hex of
 * its UTF-8 bytes (`a/b$` → `a%2fb%24.sqlite`). `%` and `.` are encoded too, so decoding is exact.
 */
export function databaseFileName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (FILE_SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).padStart(2, '0');
  }
  return out + DATABASE_FILE_SUFFIX;
}

const ENCODED_FILE = /^(?:[a-z0-9_-]|%[0-9a-f]{2})+\.sqlite$/;

/** The database name a file name stands for, or `undefined` for files this backend did not name. */
export function databaseNameOfFile(fileName: string): string | undefined {
  if (!ENCODED_FILE.test(fileName)) return undefined;
  try {
    const name = decodeURIComponent(fileName.slice(0, -DATABASE_FILE_SUFFIX.length));
    return databaseFileName(name) === fileName ? name : undefined;
  } catch {
    return undefined; // not valid UTF-8
  }
}

/**
 * The table holding space `space`: `s_` then `[a-z0-9]` as they are and every other UTF-16 unit as `_` and four hex
 * digits. Fixed-width escapes keep the mapping one-to-one, and lower case only because SQLite ignores identifier case.
 */
export function spaceTableName(space: string): string {
  let out = 's_';
  for (let i = 0; i < space.length; i++) {
    const unit = space.charCodeAt(i);
    if ((unit >= 0x61 && unit <= 0x7a) || (unit >= 0x30 && unit <= 0x39)) out += space[i];
    else out += '_' + unit.toString(16).padStart(4, '0');
  }
  return out;
}
