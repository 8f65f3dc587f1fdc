import { Observable } from 'rxjs';

/**
 * Runs `query` at subscription and again after each signal, emitting every result. At most one query runs at a
 * time, and signals arriving meanwhile collapse into a single re-run: the state is one flag, so a burst of
 * changes never queues up work. Unsubscribing stops the signals and drops any result still in flight.
 */
export function liveQuery<T>(query: () => Promise<T>, signals: Observable<unknown>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let running = false;
    let dirty = false;
    let closed = false;

    const run = (): void => {
      running = true;
      dirty = false;
      query().then(
        (result) => {
          running = false;
          if (closed) return;
          subscriber.next(result);
          if (dirty) run();
        },
        (error: unknown) => {
          running = false;
          if (!closed) subscriber.error(error);
        },
      );
    };

    run();
    const subscription = signals.subscribe({
      next: () => {
        if (running) dirty = true;
        else run();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      closed = true;
      subscription.unsubscribe();
    };
  });
}
