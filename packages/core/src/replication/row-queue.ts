import type { ChangesRow } from '../adapter/changes.js';

/**
 * The rows of a live changes feed waiting to be replicated: the feed pushes, the session takes batches. A feed
 * error or end is delivered to the taker after the rows that came before it.
 */
export class RowQueue {
  #rows: ChangesRow[] = [];
  #failure: { error: unknown } | undefined;
  #ended = false;
  #wake: (() => void) | undefined;

  get size(): number {
    return this.#rows.length;
  }

  push(row: ChangesRow): void {
    this.#rows.push(row);
    this.#signal();
  }

  fail(error: unknown): void {
    this.#failure = { error };
    this.#signal();
  }

  end(): void {
    this.#ended = true;
    this.#signal();
  }

  /** Up to `max` rows once at least one is there; `undefined` when the feed ended; rejects when it failed. */
  async take(max: number): Promise<ChangesRow[] | undefined> {
    while (this.#rows.length === 0) {
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    return this.#rows.splice(0, max);
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
