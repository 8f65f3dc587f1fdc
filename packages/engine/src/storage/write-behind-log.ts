import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import type { StorageOp } from './storage.js';

/**
 * A write-behind log in front of one SQLite file. A SQLite commit rewrites every B-tree page it touches (four or
 * five 4 kB WAL frames for one document update); appending the batch to a log is one `write()` of its own bytes. So
 * each batch is appended here as one checksummed line — once `write()` returns it survives the process being killed,
 * exactly like a WAL commit under `synchronous=NORMAL` — and kept in an in-memory overlay that reads consult first.
 * The storage moves the pending batches into SQLite in one transaction when they pass a bound, before any ordered
 * read, and on close, then empties the log. Opening replays the log's intact prefix, so a batch is in SQLite or in
 * the log, never lost and never half applied.
 *
 * Line format: 8 hex digits of the CRC-32 of the JSON, then the JSON of `[[0|1, space, key, value?], ...]`
 * (0 = put, 1 = del), then `\n`. A torn or damaged line ends the replay: what follows it is dropped as well, so
 * replay always yields a prefix of the acknowledged batches.
 */
export class WriteBehindLog {
  /** Pending writes by space, then key; `null` marks a deletion. */
  private readonly overlay = new Map<string, Map<string, string | null>>();
  private pending: StorageOp[] = [];
  private pendingBytes = 0;
  private size = 0;
  private fd: number | undefined;
  /** Open storages sharing this log (every handle of one file in this process). */
  refs = 0;

  /**
   * @param maxPendingBytes past this many bytes of log the pending ops are moved into SQLite (or past
   *   `maxPendingBytes / 256` ops, for batches of small values).
   */
  private constructor(
    readonly path: string,
    private readonly maxPendingBytes: number,
  ) {}

  /**
   * The log shared by every storage of `path` in this process, with a reference taken. On first use, the ops left
   * in the file by an earlier process are handed to `recover`, which must commit them before the log is emptied.
   */
  static acquire(file: string, maxPendingBytes: number, recover: (ops: StorageOp[]) => void): WriteBehindLog {
    // One log per file however its path is spelled, or two handles would each hold half of the pending writes.
    const path = resolve(file);
    let log = open.get(path);
    if (log === undefined) {
      claimOwnership(path);
      try {
        const left = readIntactOps(path);
        if (left.length > 0) recover(left);
        log = new WriteBehindLog(path, maxPendingBytes);
        log.fd = openSync(path, 'w');
      } catch (error) {
        rmSync(ownerFile(path), { force: true });
        throw error;
      }
      open.set(path, log);
    }
    log.refs += 1;
    return log;
  }

  /** What the overlay holds for `key`: a value, `null` for a pending deletion, `undefined` when it has nothing. */
  lookup(space: string, key: string): string | null | undefined {
    return this.overlay.get(space)?.get(key);
  }

  /** True when nothing is pending. */
  get isEmpty(): boolean {
    return this.pending.length === 0;
  }

  /** True when the pending ops should be moved into SQLite now. */
  get isFull(): boolean {
    return this.pendingBytes >= this.maxPendingBytes || this.pending.length >= this.maxPendingBytes / 256;
  }

  /** The pending ops in write order (owned by the log: commit them, then call `clear`). */
  get pendingOps(): readonly StorageOp[] {
    return this.pending;
  }

  /** Appends one batch durably (one `write()`), then adds it to the overlay. On failure nothing is kept. */
  append(ops: readonly StorageOp[]): void {
    const fd = this.openFd();
    const json = JSON.stringify(ops.map((op) => (op.type === 'put' ? [0, op.space, op.key, op.value] : [1, op.space, op.key])));
    const line = Buffer.from(`${crc32Hex(json)}${json}\n`, 'utf8');
    try {
      writeAll(fd, line, this.size);
    } catch (error) {
      // A partial line would end every later replay at this point: cut it off.
      ftruncateSync(fd, this.size);
      throw error;
    }
    this.size += line.length;
    this.pendingBytes += line.length;
    for (const op of ops) {
      let space = this.overlay.get(op.space);
      if (space === undefined) {
        space = new Map();
        this.overlay.set(op.space, space);
      }
      space.set(op.key, op.type === 'put' ? op.value : null);
      this.pending.push(op);
    }
  }

  /** Forgets the pending ops and empties the file: call only once they are committed to SQLite. */
  clear(): void {
    ftruncateSync(this.openFd(), 0);
    this.size = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.overlay.clear();
  }

  /** Drops a reference; the last one closes the file, and removes it when nothing is pending. */
  release(): void {
    this.refs -= 1;
    if (this.refs > 0) return;
    open.delete(this.path);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.isEmpty) rmSync(this.path, { force: true });
    rmSync(ownerFile(this.path), { force: true });
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`write-behind log ${this.path} is closed`);
    return this.fd;
  }
}

const open = new Map<string, WriteBehindLog>();

/** Beside the log, the pid of the process that owns it. */
function ownerFile(path: string): string {
  return `${path}.pid`;
}

/**
 * Makes this process the log's only user. Pending writes live in one process's memory, and opening replays and
 * empties the log, so a second process on the same file would both miss writes and destroy them: it gets a clear
 * error instead. An owner file left by a process that is gone (killed) is taken over.
 */
function claimOwnership(path: string): void {
  const file = ownerFile(path);
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileOrEmpty(file));
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `${path.replace(/-log$/, '')} is open in process ${owner}: a database file is for one process at a time (use settee-server to share it)`,
      );
    }
    rmSync(file, { force: true });
  }
}

function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The ops of the log file's intact lines, up to the first torn or damaged one. */
function readIntactOps(path: string): StorageOp[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const ops: StorageOp[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    const batch = parseLine(text.slice(start, end));
    if (batch === undefined) break;
    ops.push(...batch);
    start = end + 1;
  }
  return ops;
}

function parseLine(line: string): StorageOp[] | undefined {
  const json = line.slice(8);
  if (line.length < 10 || line.slice(0, 8) !== crc32Hex(json)) return undefined;
  try {
    const entries = JSON.parse(json) as Array<[0, string, string, string] | [1, string, string]>;
    return entries.map((e) => (e[0] === 0 ? { type: 'put', space: e[1], key: e[2], value: e[3] } : { type: 'del', space: e[1], key: e[2] }));
  } catch {
    return undefined;
  }
}

/** Writes at an explicit position: after `clear` truncates the file, the next line must start at 0 again. */
function writeAll(fd: number, bytes: Buffer, position: number): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset, position + offset);
}

/** zlib.crc32 (Node ≥ 20.15), else a table-driven CRC-32 of the same polynomial. */
const crc32: (text: string) => number =
  typeof zlib.crc32 === 'function' ? (text) => zlib.crc32(text) : (text) => tableCrc32(Buffer.from(text, 'utf8'));

function crc32Hex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}

let table: Uint32Array | undefined;

function tableCrc32(bytes: Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
