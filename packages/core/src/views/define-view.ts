import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { JsonValue } from '../json.js';
import { functionSource, mapSource } from './function-source.js';
import type { ViewQueryOptions, ViewResponse } from './view-types.js';

/** The `emit` a typed map function receives: keys of type `K`, values of type `V`. */
export type Emit<K extends JsonValue, V extends JsonValue> = (key: K, value: V) => void;

/** What `_stats` reduces numbers to. */
export interface ViewStats {
  sum: number;
  count: number;
  min: number;
  max: number;
  sumsqr: number;
}

/** CouchDB's built-in reduce functions. */
export type BuiltinReduce = '_count' | '_sum' | '_stats' | '_approx_count_distinct';

/** The reduced value type of a reduce given as a built-in name or a function. */
export type ReducedValue<V, R> = R extends '_count' | '_approx_count_distinct'
  ? number
  : R extends '_sum'
    ? V
    : R extends '_stats'
      ? V extends readonly number[]
        ? ViewStats[]
        : ViewStats
      : R extends (...args: never[]) => infer Out
        ? Out
        : never;

/** A JavaScript reduce: `keys` are `[key, docId]` pairs (null when re-reducing). */
export type ReduceFunction<K, V, Out> = (keys: Array<[K, string]> | null, values: Array<V | Out>, rereduce: boolean) => Out;

/** What `defineView` takes. */
export interface ViewSpecInput<D, K extends JsonValue, V extends JsonValue, R> {
  /** The design document (`name` or `_design/name`). */
  readonly ddoc: string;
  /** The view's name in the design document. */
  readonly name: string;
  /** `(doc, emit) => void` (serialised for the server), or JavaScript source `function (doc) {...}`. */
  readonly map: ((doc: D, emit: Emit<K, V>) => void) | string;
  /** A built-in (`_count`, `_sum`, ...), a JavaScript reduce, or nothing for a map-only view. */
  readonly reduce?: R;
}

/** A typed view declaration: where it lives, its serialised functions, and (as types) its keys and values. */
export interface ViewSpec<D, K extends JsonValue, V extends JsonValue, Reduced> {
  readonly ddoc: string;
  readonly name: string;
  /** The map function's source as stored in the design document. */
  readonly map: string;
  /** The reduce as stored, or undefined. */
  readonly reduce: string | undefined;
  /** Type-level only: the document, key, value and reduced value types. */
  readonly __types?: { doc: D; key: K; value: V; reduced: Reduced };
}

/**
 * Declares a view with typed keys and values; its functions may be real TypeScript functions, serialised for the
 * server. Annotate `emit` to type the rows:
 *
 * ```ts
 * const byRegion = defineView({
 *   ddoc: 'sales', name: 'by_region', reduce: '_sum',
 *   map: (doc: Sale, emit: Emit<[string, number], number>) => { if (doc.type === 'sale') emit([doc.region, doc.year], doc.amount); },
 * });
 * const rows = await queryView(db, byRegion, { group_level: 1 });  // rows: { key: [string, number], value: number }
 * ```
 */
export function defineView<D, K extends JsonValue, V extends JsonValue, R extends BuiltinReduce | ReduceFunction<K, V, JsonValue> | undefined = undefined>(
  input: ViewSpecInput<D, K, V, R>,
): ViewSpec<D, K, V, R extends undefined ? never : ReducedValue<V, R>> {
  const { reduce } = input;
  return {
    ddoc: input.ddoc.startsWith('_design/') ? input.ddoc.slice('_design/'.length) : input.ddoc,
    name: input.name,
    map: mapSource(input.map as (...args: never[]) => unknown),
    reduce: reduce === undefined ? undefined : typeof reduce === 'string' ? reduce : functionSource(reduce as (...args: never[]) => unknown),
  };
}

/** Query options of a typed view: keys are typed, and `reduce`/`group` exist only if the view reduces. */
export type TypedViewOptions<K> = Omit<ViewQueryOptions<K>, 'startkey' | 'endkey'> & {
  /** First key (arrays may use `{}` as a high sentinel: CouchDB sorts objects last). */
  startkey?: K | JsonValue;
  endkey?: K | JsonValue;
};

/** The answer of a typed view: map rows when `reduce: false` or the view has no reduce, reduced rows otherwise. */
export type TypedViewResponse<K, V, Reduced, O> = [Reduced] extends [never]
  ? ViewResponse<K, V>
  : O extends { reduce: false }
    ? ViewResponse<K, V>
    : O extends { group: true } | { group_level: number }
      ? ViewResponse<K, Reduced>
      : ViewResponse<K | null, Reduced>;

/** Queries a declared view with its types. */
export function queryView<D, K extends JsonValue, V extends JsonValue, Reduced, O extends TypedViewOptions<K> = Record<never, never>>(
  db: DatabaseAdapter,
  spec: ViewSpec<D, K, V, Reduced>,
  options?: O,
): Promise<TypedViewResponse<K, V, Reduced, O>> {
  return db.query(spec.ddoc, spec.name, (options ?? {}) as ViewQueryOptions) as Promise<TypedViewResponse<K, V, Reduced, O>>;
}
