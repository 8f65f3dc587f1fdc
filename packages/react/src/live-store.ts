import type { Observable, Subscription } from 'rxjs';
import { asError, liveState, PENDING, type LiveState } from './live-state.js';

/** Folds one emission into the value a hook shows; returning `previous` itself means "nothing changed". */
export type Reducer<E, V> = (previous: V | undefined, event: E) => V;

/** How a {@link LiveStore} starts. */
export interface LiveStoreOptions<E, V> {
  /**
   * Opens the source; called on each (re)subscription, never during render. Gets the value shown so far (undefined
   * before the first emission), so a feed can resume where the previous subscription stopped.
   */
  readonly open: (shown: V | undefined) => Observable<E>;
  /** Folds emissions into the shown value (default: the latest emission replaces it). */
  readonly reduce: Reducer<E, V>;
  /**
   * The snapshot before the first emission, and on the server (default: pending). An initial state flagged
   * `isInitial` is this input's data: the first emission is folded into it and the feed resumes after it. One flagged
   * `isPrevious` belongs to another input: it is only shown, never folded, and the first emission replaces it.
   */
  readonly initial?: LiveState<V>;
}

/**
 * One hook instance's view of one observable, shaped for `useSyncExternalStore`: the source is subscribed while at
 * least one listener is attached and unsubscribed when the last one leaves, so StrictMode's mount, unmount and
 * mount again ends with exactly one open subscription. The snapshot object only changes when the status, the
 * completion or the reduced value changes, which is what keeps React from re-rendering for nothing.
 */
export class LiveStore<E, V> {
  private snapshot: LiveState<V>;
  private readonly initial: LiveState<V>;
  private readonly listeners = new Set<() => void>();
  private subscription: Subscription | undefined;

  constructor(private readonly options: LiveStoreOptions<E, V>) {
    this.initial = options.initial ?? PENDING;
    this.snapshot = this.initial;
  }

  /** Adds a listener (opening the source for the first one); the returned function removes it. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.open();
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.close();
    };
  };

  /** The current snapshot: the same object until something visible changed. */
  readonly getSnapshot = (): LiveState<V> => this.snapshot;

  /** The snapshot for server rendering and hydration: the initial one, since no source runs on the server. */
  readonly getServerSnapshot = (): LiveState<V> => this.initial;

  /** True while the source is subscribed. */
  get isOpen(): boolean {
    return this.subscription !== undefined;
  }

  private open(): void {
    // A re-subscription after an error starts over; after a StrictMode remount the last data stays on screen.
    if (this.snapshot.status === 'error') this.set(this.initial);
    const subscription = this.options.open(this.ownData()).subscribe({
      next: (event) => this.emit(event),
      error: (error: unknown) => {
        this.subscription = undefined;
        const data = this.ownData();
        const isInitial = data !== undefined && this.snapshot.isInitial;
        this.set({ status: 'error', data, error: asError(error), complete: true, isInitial, isPrevious: false });
      },
      complete: () => {
        this.subscription = undefined;
        if (!this.snapshot.complete) this.set({ ...this.snapshot, complete: true });
      },
    });
    // The source may have finished synchronously, in which case there is nothing left to close.
    if (!subscription.closed) this.subscription = subscription;
  }

  private close(): void {
    const subscription = this.subscription;
    this.subscription = undefined;
    subscription?.unsubscribe();
  }

  private emit(event: E): void {
    const previous = this.ownData();
    const data = this.options.reduce(previous, event);
    // Same data for the same input: nothing visible changed (an unchanged initial state keeps its flag, see isInitial).
    if (this.snapshot.status === 'success' && !this.snapshot.isPrevious && data === previous) return;
    this.set(liveState(data));
  }

  /** The data shown for this store's input: none while pending, nor while showing the previous input's. */
  private ownData(): V | undefined {
    return this.snapshot.isPrevious ? undefined : this.snapshot.data;
  }

  private set(next: LiveState<V>): void {
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
