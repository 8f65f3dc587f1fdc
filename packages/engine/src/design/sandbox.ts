import vm from 'node:vm';
import type { JsonValue } from '@settee/core';
import { designLog } from './design-log.js';
import { SANDBOX_RUNTIME } from './sandbox-runtime.js';

/** Default time limit of one call into a sandbox (CouchDB's `os_process_timeout` is 5 s). */
export const DEFAULT_TIMEOUT_MS = 5000;

/** What a throwing design function threw, described on the sandbox side. */
export type Thrown =
  | { readonly error: string; readonly message: string; readonly stack: string }
  | { readonly thrown: JsonValue; readonly text: string };

/** The outcome of calling one design function. */
export type CallOutcome =
  | {
      readonly ok: JsonValue;
      /** The function returned `undefined` (CouchDB treats some of those specially). */
      readonly undef: boolean;
      /** The Content-Type of the `provides` branch that answered (lists: as known when the head was sent), or null. */
      readonly provided: string | null;
      /** List functions: what `send` sent and what `start` set. */
      readonly chunks?: string[];
      readonly head?: JsonValue;
    }
  | { readonly fail: Thrown }
  /** No `provides` branch matches the request: CouchDB's `not_acceptable` reason. */
  | { readonly notAcceptable: string };

/** How a function is called: the rows a list reads, whether `provides()` works, and the render mode. */
export interface CallExtra {
  readonly rows?: readonly JsonValue[];
  readonly provides?: boolean;
  readonly mode?: 'show' | 'list';
}

/** A design function failed to compile (CouchDB's `compilation_error`). */
export class CompileError extends Error {}

/** A call ran past its time limit. */
export class SandboxTimeoutError extends Error {}

const DISPATCH = new vm.Script('__settee(__settee_in)', { filename: 'settee-dispatch.js' });

/**
 * One isolated JavaScript context for one design document: fresh globals (no `require`, `process` or timers), the
 * query-server helpers, a time limit per call. Documents and results cross as JSON text only.
 */
export class DesignSandbox {
  private readonly context: vm.Context;

  constructor(
    private readonly ddocId: string,
    private readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.context = vm.createContext(Object.create(null) as object, {
      name: `settee design ${ddocId}`,
      codeGeneration: { strings: true, wasm: false },
      microtaskMode: 'afterEvaluate',
    });
    new vm.Script(SANDBOX_RUNTIME, { filename: 'settee-runtime.js' }).runInContext(this.context, { timeout: this.timeoutMs });
  }

  /**
   * Compiles `source` (a function expression) and returns its handle; `ddoc` is the design document modules
   * are `require`d from. Throws `CompileError` with the engine's message.
   */
  compile(source: string, ddoc?: JsonValue): number {
    const answer = this.dispatch({ op: 'compile', source, ddoc });
    if ('fail' in answer) throw new CompileError(describeThrown(answer.fail));
    return answer.value as number;
  }

  /**
   * Runs map functions over documents (JSON text each). Per document and function: the emitted `[key, value]`
   * pairs, or null when the function threw (logged, as CouchDB does, and the document is left out of that view).
   */
  mapDocs(fns: readonly number[], docs: readonly string[]): Array<Array<Array<[JsonValue, JsonValue]> | null>> {
    const answer = this.dispatch({ op: 'mapDocs', fns, docs });
    if ('fail' in answer) throw new Error(describeThrown(answer.fail));
    return answer.value as Array<Array<Array<[JsonValue, JsonValue]> | null>>;
  }

  /** Runs a filter function over documents (JSON text each) with one `req`: whether each passes. */
  filterDocs(fn: number, docs: readonly string[], req: JsonValue): boolean[] {
    const answer = this.dispatch({ op: 'filterDocs', fn, docs, req: JSON.stringify(req) });
    if ('fail' in answer) throw new Error(describeThrown(answer.fail));
    return answer.value as boolean[];
  }

  /**
   * Calls a function with JSON arguments; `rows` feeds `getRow()` (lists); `provides` enables `provides()`; `mode`
   * runs it as CouchDB's render.js runs a show (the response object, list-style chunks and provides merged) or a
   * list (a provider's return value as the tail).
   */
  call(fn: number, args: readonly JsonValue[], extra: CallExtra = {}): CallOutcome {
    const answer = this.dispatch({ op: 'call', fn, args: JSON.stringify(args), rows: extra.rows, provides: extra.provides === true, mode: extra.mode });
    if ('fail' in answer) return { fail: answer.fail };
    return answer.value as CallOutcome;
  }

  private dispatch(request: Record<string, unknown>): { value: unknown } | { fail: Thrown } {
    this.context['__settee_in'] = JSON.stringify(request);
    let text: unknown;
    try {
      text = DISPATCH.runInContext(this.context, { timeout: this.timeoutMs });
    } catch (error) {
      // Only the time limit (or a broken runtime) ends up here: the dispatcher catches what user code throws.
      const message = error instanceof Error ? error.message : String(error);
      throw new SandboxTimeoutError(`${this.ddocId}: ${message}`);
    } finally {
      this.context['__settee_in'] = undefined;
    }
    if (typeof text !== 'string') throw new Error(`${this.ddocId}: the sandbox answered a non-string`);
    const parsed = JSON.parse(text) as ({ value: unknown } | { fail: Thrown }) & { logs: string[] };
    for (const line of parsed.logs) designLog(this.ddocId, line);
    return parsed;
  }
}

/** `Name: message` for errors, the text of other thrown values. */
export function describeThrown(thrown: Thrown): string {
  return 'message' in thrown ? `${thrown.error}: ${thrown.message}` : thrown.text;
}
