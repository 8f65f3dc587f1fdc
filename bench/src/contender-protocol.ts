/**
 * The messages between `npm run bench` and a contender's child process (node IPC, JSON). The parent sends one
 * command at a time and waits for its reply, so a reply always answers the command before it.
 */
import type { CaseKey } from './cases.js';

/** What the parent asks a contender's child to do. */
export type ChildCommand =
  | { type: 'prepare'; key: CaseKey }
  | { type: 'run'; key: CaseKey }
  | { type: 'finish'; key: CaseKey }
  | { type: 'close' };

/** One timed run as measured inside the child. */
export interface TimedRun {
  /** Wall time of the timed action. */
  wallMs: number;
  /** User + system CPU time of the whole process during the action (every thread, worker threads included). */
  cpuMs: number;
  /** Operations the action performed. */
  ops: number;
}

/** The child's answer: `ready` once the contender is open, then one `done` or `failed` per command. */
export type ChildReply = { type: 'ready' } | { type: 'done'; run?: TimedRun } | { type: 'failed'; message: string };

const COMMAND_TYPES: ReadonlySet<string> = new Set(['prepare', 'run', 'finish', 'close']);
const REPLY_TYPES: ReadonlySet<string> = new Set(['ready', 'done', 'failed']);

function typeOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || !('type' in message)) return undefined;
  return typeof message.type === 'string' ? message.type : undefined;
}

/** Narrows an IPC message to a command (the shape is ours on both ends; only the tag is checked). */
export function isChildCommand(message: unknown): message is ChildCommand {
  return COMMAND_TYPES.has(typeOf(message) ?? '');
}

/** Narrows an IPC message to a reply. */
export function isChildReply(message: unknown): message is ChildReply {
  return REPLY_TYPES.has(typeOf(message) ?? '');
}
