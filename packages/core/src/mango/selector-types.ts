import type { JsonObject, JsonValue } from '../json.js';
import type { MangoTypeName, Operator, OPERATORS, OperatorInfo } from './operators.js';

/**
 * Typed Mango selectors, sorts and projections, derived from a document type `T`.
 *
 * - Field names are dot paths into nested objects and arrays: `'address.city'`, `'songs.0.artist'`; a key that
 *   itself contains a dot is written escaped, `'dotted\\.key'`.
 * - Each operator's argument is checked against the field's type, using the `fieldTypes` of the operator table
 *   (operators.ts): `$regex`/`$beginsWith` need a string field, `$size`/`$all`/`$elemMatch`/`$allMatch` an array,
 *   `$mod` a number, `$keyMapMatch` an object. A misuse reads as
 *   `Type 'string' is not assignable to type 'MangoTypeError<"$regex applies to string fields only">'`.
 * - Recursion stops at {@link MAX_DEPTH} levels of nesting, so large models type-check quickly; deeper fields
 *   are still reachable with the untyped {@link MangoSelector}.
 */

/** The untyped JSON form of a selector, for adapters and for fields deeper than the typed paths reach. */
export type MangoSelector = JsonObject;

/** How deep typed paths go into nested objects and arrays. */
export type MAX_DEPTH = 5;

/** `Previous[N]` is N - 1 (never below 0), to count recursion depth down. */
type Previous = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** A readable compile-time error, used as the type of an operator that does not fit the field. */
export interface MangoTypeError<Message extends string> {
  readonly __mangoTypeError: Message;
}

type Scalar = string | number | boolean | null | undefined | bigint | symbol;
type AnyArray = readonly unknown[];

type IsAny<T> = 0 extends 1 & T ? true : false;
/**
 * True for `any`, `unknown` and JSON catch-alls (`JsonValue`, `JsonObject`, `Record<string, unknown>`): the value
 * could be anything, so every path and operator is allowed.
 */
type IsOpen<T> = IsAny<T> extends true ? true : unknown extends T ? true : JsonValue extends T ? true : JsonObject extends T ? true : false;

/** A key as a path segment: dots in the key itself are escaped. */
type EscapeKey<K extends string> = K extends `${infer Head}.${infer Tail}` ? `${Head}\\.${EscapeKey<Tail>}` : K;
/** The reverse of {@link EscapeKey}. */
type UnescapeKey<K extends string> = K extends `${infer Head}\\.${infer Tail}` ? `${Head}.${UnescapeKey<Tail>}` : K;

/** One addressable field: its dot path and the type of the value there. */
interface PathEntry<P extends string = string, V = unknown> {
  readonly path: P;
  readonly value: V;
}

/** The entries of an object's fields and of everything below them, `D` levels deep. */
type ObjectEntries<T, D extends number> = [D] extends [never]
  ? never
  : {
      [K in keyof T & string]-?: FieldEntries<EscapeKey<K>, Exclude<T[K], undefined>, D>;
    }[keyof T & string];

type FieldEntries<P extends string, V, D extends number> = PathEntry<P, V> | Prefixed<P, ChildEntries<V, Previous[D]>>;

/** The entries below a value: array elements by index, object members by name. */
type ChildEntries<V, D extends number> = [D] extends [never]
  ? never
  : D extends 0
    ? never
    : IsOpen<V> extends true
    ? never
    : V extends Scalar
      ? never
      : V extends AnyArray
        ? FieldEntries<`${number}`, V[number], D>
        : V extends object
          ? ObjectEntries<V, D>
          : never;

type Prefixed<P extends string, E> = E extends PathEntry<infer Q, infer V> ? PathEntry<`${P}.${Q}`, V> : never;

/** Every typed field path of `T`: `'name' | 'address' | 'address.city' | 'songs' | `songs.${number}` | ...`. */
export type Paths<T> = IsOpen<T> extends true ? string : ObjectEntries<T, MAX_DEPTH>['path'];

/** The type of the value at path `P` of `T` (`PathValue<Doc, 'songs.0.artist'>` is the artist's type). */
export type PathValue<T, P extends string> = EntryValue<ObjectEntries<T, MAX_DEPTH>, P>;

type EntryValue<E, P extends string> = E extends PathEntry<infer Q, infer V> ? (P extends Q ? V : never) : never;

// ---------------------------------------------------------------------------------------------------------------
// Conditions on one field.

type ElementOf<V> = V extends AnyArray ? V[number] : never;
type PlainObjectOf<V> = V extends Scalar | AnyArray ? never : V extends object ? V : never;

/** Does a field of type `V` have a member of the kind an operator needs (see `OperatorInfo['fieldTypes']`)? */
type Fits<V, Needed extends OperatorInfo['fieldTypes']> = IsOpen<V> extends true
  ? true
  : Needed extends 'any'
    ? true
    : [
          Needed extends 'string'
            ? Extract<V, string>
            : Needed extends 'number'
              ? Extract<V, number>
              : Needed extends 'array'
                ? Extract<V, AnyArray>
                : PlainObjectOf<V>,
        ] extends [never]
      ? false
      : true;

type FieldTypeMessage = {
  string: 'applies to string fields only';
  number: 'applies to number fields only';
  array: 'applies to array fields only';
  object: 'applies to object fields only';
  any: '';
};

/** The argument operator `O` takes on a field of type `V` (before the field-type check). */
type ArgumentOf<O extends Operator, V, D extends number> = O extends '$eq' | '$ne'
  ? JsonOf<V>
  : O extends '$gt' | '$gte' | '$lt' | '$lte'
    ? // `null` is the smallest value in CouchDB's collation: `{"$gt": null}` means "exists and is not null".
      JsonOf<V> | null
    : O extends '$exists'
      ? boolean
      : O extends '$type'
        ? MangoTypeName
        : O extends '$in' | '$nin'
          ? readonly JsonOf<ElementOf<V> | Exclude<V, AnyArray>>[]
          : O extends '$size'
            ? number
            : O extends '$all'
              ? readonly JsonOf<ElementOf<V>>[]
              : O extends '$elemMatch' | '$allMatch'
                ? Condition<ElementOf<V>, Previous[D]>
                : O extends '$keyMapMatch'
                  ? Condition<string, Previous[D]>
                  : O extends '$mod'
                    ? readonly [divisor: number, remainder: number]
                    : O extends '$regex' | '$beginsWith'
                      ? string
                      : O extends '$and' | '$or' | '$nor'
                        ? readonly Condition<V, D>[]
                        : O extends '$not'
                          ? Condition<V, D>
                          : MangoTypeError<`${O} has no argument type in selector-types.ts`>;

type UntypedOperators = {
  [O in Operator]: ArgumentOf<O, unknown, MAX_DEPTH> extends MangoTypeError<string> ? O : never;
}[Operator];
type RequireNever<T extends never> = T;
/**
 * A compile-time check, not for use: every operator of OPERATORS has an argument type in `ArgumentOf`, so adding
 * an operator to the table without typing it here fails to compile ("does not satisfy the constraint 'never'").
 */
export type EveryOperatorIsTyped = RequireNever<UntypedOperators>;

/** The operators that can be used on a field of type `V`, each with its argument type. */
export type FieldOperators<V, D extends number = MAX_DEPTH> = {
  [O in Operator]?: Fits<V, (typeof OPERATORS)[O]['fieldTypes']> extends true
    ? ArgumentOf<O, V, D>
    : MangoTypeError<`${O} ${FieldTypeMessage[(typeof OPERATORS)[O]['fieldTypes']]}`>;
};

/** What a JSON document can hold where `V` is declared (no `undefined`; a `Date` is sent as its string). */
type JsonOf<V> = V extends undefined ? never : V extends Date ? string : V;

/**
 * A condition on a field of type `V`: a value to equal (a whole array for an array field), an object of
 * operators, or, for an object field, a nested selector on its members (`{ address: { city: 'Paris' } }`).
 */
export type Condition<V, D extends number = MAX_DEPTH> =
  | JsonOf<Exclude<V, object>>
  | JsonOf<Extract<V, AnyArray>>
  | FieldOperators<V, D>
  | NestedSelector<PlainObjectOf<V>, D>;

type NestedSelector<V, D extends number> = [V] extends [never] ? never : [D] extends [never] ? never : Selector<V, Previous[D]>;

// ---------------------------------------------------------------------------------------------------------------
// Whole selectors.

type FieldConditions<T, D extends number> = ConditionsByPath<ObjectEntries<T, D>, D>;

/** A separate alias so the entry union is a plain type parameter here (keeps instantiation shallow). */
type ConditionsByPath<E, D extends number> = {
  [X in E & PathEntry as X['path']]?: Condition<X['value'], D>;
};

/** The combination operators at the top of a selector (or of a nested one). */
export interface CombinationOperators<T, D extends number = MAX_DEPTH> {
  $and?: readonly Selector<T, D>[];
  $or?: readonly Selector<T, D>[];
  $nor?: readonly Selector<T, D>[];
  $not?: Selector<T, D>;
}

/**
 * A Mango selector on documents of type `T`:
 *
 * ```ts
 * const s: Selector<Song> = { artist: 'x', year: { $gte: 1990 }, 'tags.0': 'rock', $or: [{ plays: { $gt: 10 } }] };
 * ```
 *
 * For an untyped `T` (`any`, `unknown`, a JSON catch-all) it is the loose {@link MangoSelector}.
 */
export type Selector<T, D extends number = MAX_DEPTH> = IsOpen<T> extends true
  ? MangoSelector
  : FieldConditions<T, D> & CombinationOperators<T, D>;

// ---------------------------------------------------------------------------------------------------------------
// Sort and projection.

/** A sort direction. */
export type SortDirection = 'asc' | 'desc';

/** One sort field: a path (ascending) or `{ [path]: 'asc' | 'desc' }`. */
export type SortField<T> = Paths<T> | { [P in Paths<T>]: { [K in P]: SortDirection } }[Paths<T>];

/** A Mango sort: fields in order (CouchDB needs one direction for all, and an index that covers them). */
export type Sort<T> = readonly SortField<T>[];

/** A Mango `fields` projection: the paths to return. */
export type Fields<T> = readonly Paths<T>[];

type Simplify<T> = T extends Scalar | AnyArray ? T : { [K in keyof T]: Simplify<T[K]> };
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Splits a path at its first unescaped dot. */
type SplitPath<P extends string, Head extends string = ''> = P extends `${infer Before}.${infer After}`
  ? Before extends `${string}\\`
    ? SplitPath<After, `${Head}${Before}.`>
    : [`${Head}${Before}`, After]
  : [`${Head}${P}`];

/** A value that may be missing from the document (an optional key, or a null parent: CouchDB then omits it). */
type MayBeMissing<V> = undefined extends V ? true : null extends V ? true : false;

/** The part of `T` that projecting the path `P` keeps. */
type PickPath<T, P extends string> =
  SplitPath<P> extends [infer Head extends string, infer Rest extends string]
    ? PickMember<T, UnescapeKey<Head>, Rest>
    : SplitPath<P> extends [infer Key extends string]
      ? PickLeaf<T, UnescapeKey<Key>>
      : never;

type PickLeaf<T, K extends string> = T extends AnyArray
  ? { [I in K]?: T[number] }
  : K extends keyof T
    ? Pick<T, K>
    : {};

/**
 * CouchDB builds the projection with objects all the way down: `'songs.0.artist'` gives
 * `{ songs: { '0': { artist } } }`, not an array.
 */
type PickMember<T, K extends string, Rest extends string> = T extends AnyArray
  ? { [I in K]?: PickPath<T[number], Rest> }
  : K extends keyof T
    ? PickChild<K, NonNullable<T[K]>, Rest, MayBeMissing<T[K]>>
    : {};

type PickChild<K extends string, V, Rest extends string, Optional extends boolean> = V extends Scalar
  ? {}
  : Optional extends true
    ? { [I in K]?: PickPath<V, Rest> }
    : { [I in K]: PickPath<V, Rest> };

/**
 * The documents a `_find` with `fields: F` returns: only the listed paths (nested ones as nested objects),
 * required where `T` requires them. With no fields (`[]`), the whole document.
 *
 * ```ts
 * type Row = Projected<Song, ['_id', 'title', 'album.year']>; // { _id: string; title: string; album: { year: number } }
 * ```
 */
export type Projected<T, F extends readonly string[]> = F extends readonly []
  ? T
  : IsOpen<T> extends true
    ? JsonObject
    : Simplify<UnionToIntersection<F[number] extends infer P ? (P extends string ? PickPath<T, P> : never) : never>>;
