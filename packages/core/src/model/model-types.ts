import type { Doc } from './doc.js';

/** A model class: a class extending {@link Doc} (abstract ones too). Its constructor is never called by reads. */
export type ModelClass<M extends Doc = Doc> = abstract new (...args: never[]) => M;

/** True when `K` is a `readonly` member of `M` (getters without setters are readonly too). */
type IsReadonly<M, K extends keyof M> =
  (<T>() => T extends { [P in K]: M[K] } ? 1 : 2) extends <T>() => T extends { -readonly [P in K]: M[K] } ? 1 : 2
    ? false
    : true;

/** The keys of `M` that hold stored data: writable, string-named, not methods, not {@link Doc}'s own members. */
export type DataKey<M> = {
  [K in keyof M]-?: K extends string
    ? K extends keyof Doc
      ? never
      : M[K] extends (...args: never[]) => unknown
        ? never
        : IsReadonly<M, K> extends true
          ? never
          : K
    : never;
}[keyof M];

/**
 * The stored fields of model `M`, as its class declares them (optional ones stay optional). Methods, getters and
 * readonly members are not data.
 *
 * ```ts
 * type PlaylistData = ModelData<Playlist>; // { name: string; songs: Song[]; owner?: string }
 * ```
 */
export type ModelData<M> = { [K in keyof M as K extends DataKey<M> ? K : never]: M[K] };

/** What `create` takes: the model's fields (required ones required, nothing unknown), and optionally an `_id`. */
export type CreateInput<M> = ModelData<M> & { _id?: string };

/** Validation applied on every write and read: reject unknown fields, drop them, or skip validation. */
export type ValidationMode = 'strict' | 'strip' | 'off';
