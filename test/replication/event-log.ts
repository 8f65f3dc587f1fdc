import type { Observable, Subscription } from 'rxjs';

/**
 * Subscribes once and records every event, so a test can wait for the event it expects next (no sleeping) and
 * look at everything that came before. `stop()` unsubscribes, which cancels the replication.
 */
export class EventLog<E extends { type: string }> {
  readonly events: E[] = [];
  failure: unknown;
  completed = false;
  readonly #subscription: Subscription;
  readonly #waiters: Array<{ from: number; test: (event: E) => boolean; resolve: (event: E) => void; reject: (e: unknown) => void }> = [];

  constructor(events$: Observable<E>) {
    this.#subscription = events$.subscribe({
      next: (event) => {
        this.events.push(event);
        for (const waiter of [...this.#waiters]) {
          if (waiter.test(event)) {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      },
      error: (error: unknown) => {
        this.failure = error;
        for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
      },
      complete: () => {
        this.completed = true;
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('the replication completed first'));
      },
    });
  }

  /** The next event from now on (or from index `from`) that passes `test`. */
  next(test: (event: E) => boolean, from = this.events.length): Promise<E> {
    const seen = this.events.slice(from).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.#waiters.push({ from, test, resolve, reject }));
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }
}
