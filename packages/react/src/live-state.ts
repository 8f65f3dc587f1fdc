/** A live value before its first emission: nothing to show yet. */
export interface PendingState {
  readonly status: 'pending';
  readonly data: undefined;
  readonly error: undefined;
  /** True once the source has completed (e.g. its `Settee` closed); nothing more will arrive. */
  readonly complete: boolean;
  /** Always false: there is no data, initial or otherwise. */
  readonly isInitial: false;
  /** Always false: there is no data, previous or otherwise. */
  readonly isPrevious: false;
}

/** A live value that has something to show: `data` is the latest result (or a placeholder, see the flags). */
export interface SuccessState<T> {
  readonly status: 'success';
  readonly data: T;
  readonly error: undefined;
  /** True once the source has completed (e.g. its `Settee` closed); `data` is then final. */
  readonly complete: boolean;
  /**
   * True while `data` is the `initialData` given to the hook, unchanged: before the live feed's first answer, and
   * after it when that answer held the same revision(s) (an answer that changes nothing does not re-render, so it
   * does not clear the flag either). False once the feed shows something else.
   */
  readonly isInitial: boolean;
  /**
   * True while `data` is what the hook showed for its previous input (`keepPrevious`), until the feed of the new
   * input answers.
   */
  readonly isPrevious: boolean;
}

/** A live value whose source failed: `error` says why, `data` keeps the last result, if there was one. */
export interface ErrorState<T> {
  readonly status: 'error';
  /** The last result for this input (the initial data counts; the previous input's data does not). */
  readonly data: T | undefined;
  readonly error: Error;
  /** Always true: a failed source emits nothing more until the component subscribes again. */
  readonly complete: true;
  /** True when `data` is still the `initialData` given to the hook. */
  readonly isInitial: boolean;
  /** Always false: data shown for another input is dropped when this input's feed fails. */
  readonly isPrevious: false;
}

/**
 * What a live hook returns, discriminated on `status` as TanStack Query's results are:
 *
 * ```tsx
 * const playlist = useDoc(playlists, id);
 * if (playlist.status === 'pending') return <Spinner />;
 * if (playlist.status === 'error') return <Failed error={playlist.error} />;
 * return <h1>{playlist.data?.name}</h1>; // data: Playlist | undefined (undefined while missing or deleted)
 * ```
 */
export type LiveState<T> = PendingState | SuccessState<T> | ErrorState<T>;

/** The state before the first emission; one shared object, so that snapshots of idle hooks compare equal. */
export const PENDING: PendingState = Object.freeze({
  status: 'pending',
  data: undefined,
  error: undefined,
  complete: false,
  isInitial: false,
  isPrevious: false,
});

/** `data` as a live source's own answer. */
export function liveState<T>(data: T, complete = false): SuccessState<T> {
  return { status: 'success', data, error: undefined, complete, isInitial: false, isPrevious: false };
}

/** `data` given by the caller (rendered on the server, or cached), shown until the live feed says otherwise. */
export function initialState<T>(data: T): SuccessState<T> {
  return { status: 'success', data, error: undefined, complete: false, isInitial: true, isPrevious: false };
}

/** `data` shown for the previous input, kept on screen until the new input's feed answers. */
export function previousState<T>(data: T): SuccessState<T> {
  return { status: 'success', data, error: undefined, complete: false, isInitial: false, isPrevious: true };
}

/** `value` as an `Error`: sources may fail with anything, hooks always expose an `Error`. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}
