/**
 * The parent's handle on one contender running in its own node process (`contender-child.ts`). Commands go one at
 * a time; a child that crashes, or takes longer than COMMAND_TIMEOUT_MS over one command (it is then killed),
 * fails that command and every later one, so only its own contender is marked failed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseKey } from './cases.js';
import { isChildReply, type ChildCommand, type ChildReply, type TimedRun } from './contender-protocol.js';
import type { ContenderId } from './store.js';

const CHILD = fileURLToPath(new URL('./contender-child.ts', import.meta.url));
/** Generous: the slowest command (a read-only case's warm-up plus its full-size load) takes seconds. */
const COMMAND_TIMEOUT_MS = 120_000;
/** How long `close` waits for the child to exit on its own before killing it. */
const EXIT_GRACE_MS = 5_000;
const STDERR_KEEP = 8_192;

/** One contender's child process, driven step by step by `run-case.ts`. */
export interface ContenderProcess {
  readonly id: ContenderId;
  /** The child's process id, to watch its CPU time. */
  readonly pid: number;
  /** Warm-up run, plus the full-size store of a read-only case. */
  prepare(key: CaseKey): Promise<void>;
  /** One timed run of the case. */
  run(key: CaseKey): Promise<TimedRun>;
  /** Releases what `prepare` kept for the case. */
  finish(key: CaseKey): Promise<void>;
  /** Closes the contender and waits for the process to end. */
  close(): Promise<void>;
}

interface Pending {
  resolve(reply: ChildReply): void;
  reject(error: Error): void;
}

/** `: <line>` from a crashed child's stderr, the line naming the error (else the last one); empty without output. */
function crashLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const line = lines.find((l) => /^[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1);
  return line === undefined ? '' : `: ${line}`;
}

/** Starts `id` in a fresh node process and resolves once it has opened its contender. */
export async function startContenderProcess(id: ContenderId): Promise<ContenderProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '--conditions=settee-source', '--import', 'tsx', CHILD, id], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  let dead: Error | undefined;
  let pending: Pending | undefined;

  const fail = (error: Error) => {
    dead ??= error;
    const waiting = pending;
    pending = undefined;
    waiting?.reject(dead);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_KEEP)));
  child.on('error', fail);
  // 'close' rather than 'exit': it comes after stderr has been read to the end, so the crash line is there.
  child.on('close', (code, signal) => fail(new Error(`${id} child exited with ${code ?? signal}${crashLine(stderr)}`)));
  child.on('message', (message: unknown) => {
    const waiting = pending;
    pending = undefined;
    if (!waiting) return;
    if (!isChildReply(message)) waiting.reject(new Error(`${id} child sent an unknown message`));
    else if (message.type === 'failed') waiting.reject(new Error(message.message));
    else waiting.resolve(message);
  });

  /** Sends `command` (none: only wait, for `ready`) and resolves with the child's reply. */
  const request = (what: string, command?: ChildCommand): Promise<ChildReply> =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      const timer = setTimeout(() => {
        fail(new Error(`${id} child timed out after ${COMMAND_TIMEOUT_MS / 1000} s (${what})`));
        child.kill('SIGKILL');
      }, COMMAND_TIMEOUT_MS);
      pending = {
        resolve(reply) {
          clearTimeout(timer);
          resolve(reply);
        },
        reject(error) {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (command) child.send(command, (error) => (error ? fail(error) : undefined));
    });

  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const kill = async () => {
    if (child.pid === undefined) return; // never started: no process, and maybe no 'close' event
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  try {
    await request('starting');
  } catch (error) {
    await kill();
    throw error;
  }

  return {
    id,
    pid: child.pid ?? 0,
    async prepare(key) {
      await request(`prepare ${key}`, { type: 'prepare', key });
    },
    async run(key) {
      const reply = await request(`run ${key}`, { type: 'run', key });
      if (reply.type !== 'done' || !reply.run) throw new Error(`${id} child answered run ${key} without a measurement`);
      return reply.run;
    },
    async finish(key) {
      await request(`finish ${key}`, { type: 'finish', key });
    },
    async close() {
      try {
        await request('close', { type: 'close' });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, EXIT_GRACE_MS).unref())]);
      } finally {
        await kill();
      }
    },
  };
}
