import type { MangoSelector, SortDirection } from '../mango/index.js';

/** One field of a Mango index: a path (ascending) or `{ path: 'asc' | 'desc' }`. */
export type IndexField = string | { readonly [path: string]: SortDirection };

/** A Mango (json) index a model declares with `@index`; the repository creates or verifies it when it opens. */
export interface IndexDefinition {
  readonly fields: readonly IndexField[];
  /** The index name; CouchDB generates one when absent. */
  readonly name?: string;
  /** The design document to keep the index in (without `_design/`). */
  readonly ddoc?: string;
  /** Only documents matching this selector are indexed. */
  readonly partialFilterSelector?: MangoSelector;
}

/** Options of `@index`. */
export type IndexOptions = Omit<IndexDefinition, 'fields'>;
