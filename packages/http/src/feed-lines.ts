/**
 * Splits a continuous feed's text into JSON lines. Chunks end anywhere (mid-line, mid-character), so the tail after
 * the last newline is kept for the next chunk; blank lines are heartbeats and are skipped.
 */
export class FeedLineSplitter {
  readonly #decoder = new TextDecoder();
  #pending = '';

  /** Complete, non-blank lines in `chunk` (plus what was buffered before it). */
  push(chunk: Uint8Array): string[] {
    const text = this.#pending + this.#decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.#pending = parts.pop() ?? '';
    return parts.map((line) => line.trim()).filter((line) => line !== '');
  }

  /** What is left at the end of the stream: a last line without newline, when there is one. */
  flush(): string[] {
    const rest = (this.#pending + this.#decoder.decode()).trim();
    this.#pending = '';
    return rest === '' ? [] : [rest];
  }
}

/** A parsed line of a continuous `_changes` feed. */
export type FeedLine =
  /** `seq` is null on most rows of a feed asked for with `seq_interval`. */
  | { readonly kind: 'change'; readonly row: Record<string, unknown> & { seq: string | number | null } }
  | { readonly kind: 'end'; readonly lastSeq: string | number }
  | { readonly kind: 'error'; readonly error: string; readonly reason: string };

/** Classifies one line; a line that is not JSON throws, because a feed that says garbage cannot be trusted. */
export function parseFeedLine(line: string): FeedLine {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError(`feed line is not a JSON object: ${line.slice(0, 80)}`);
  }
  const record = value as Record<string, unknown>;
  if ('last_seq' in record && !('id' in record)) {
    return { kind: 'end', lastSeq: record['last_seq'] as string | number };
  }
  if (typeof record['error'] === 'string') {
    return { kind: 'error', error: record['error'], reason: String(record['reason'] ?? record['error']) };
  }
  if (typeof record['id'] !== 'string' || !('seq' in record)) {
    throw new SyntaxError(`feed line is not a change: ${line.slice(0, 80)}`);
  }
  return { kind: 'change', row: record as Record<string, unknown> & { seq: string | number | null } };
}
