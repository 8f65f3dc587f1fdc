/** A live value before its first emission: nothing to show yet. */
export interface PendingState {
  readonly status: 'pending';
  readonly data: undefined;
  readonly error: undefined;
  /** True once the source has completed (e.g. its `Settee` closed); nothing more will arrive. */
  readonly complete: boolean;
}

/** A live value that has emitted: `data` is the latest result. */
export interface SuccessState<T> {
  readonly status: 'success';
  readonly data: T;
  readonly error: undefined;
  /** True once the source has completed (e.g. its `Settee` closed); `data` is then final. */
  readonly complete: boolean;
}

/** A live value whose source failed: `error` says why, `data` keeps the last result, if there was one. */
export interface ErrorState<T> {
  readonly status: 'error';
  readonly data: T | undefined;
  readonly error: Error;
  /** Always true: a failed source emits nothing more until the component subscribes again. */
  readonly complete: true;
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
export const PENDING: PendingState = Object.freeze({ status: 'pending', data: undefined, error: undefined, complete: false });

/** `value` as an `Error`: sources may fail with anything, hooks always expose an `Error`. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value), { cause: value });
}
