import type { IndexField } from '../adapter/index.js';
import type { MangoSelector } from '../mango/index.js';

/** A Mango (json) index a model declares with `@index`; the repository creates or verifies it when it opens. */
export interface ModelIndex {
  /** The indexed fields in order: a path (ascending) or `{ path: 'asc' | 'desc' }`. */
  readonly fields: readonly IndexField[];
  /** The index name; CouchDB generates one when absent. */
  readonly name?: string;
  /** The design document to keep the index in (without `_design/`). */
  readonly ddoc?: string;
  /** Only documents matching this selector are indexed. */
  readonly partialFilterSelector?: MangoSelector;
}

/** Options of `@index`. */
export type IndexOptions = Omit<ModelIndex, 'fields'>;
