import type { IdStrategy } from './id-strategy.js';
import type { ValidationMode } from './model-types.js';

/** Options of `@model(type, options)`. */
export interface ModelOptions<M> {
  /** How new entities get their id; default `'uuid'` (assigned by the server). */
  readonly id?: IdStrategy<M>;
  /**
   * `'strict'` (default) rejects unknown fields, `'strip'` drops them, `'off'` skips validation. Applies to every
   * write and every read.
   */
  readonly validation?: ValidationMode;
  /**
   * The field holding the model's type name, so that several models can share one database (default `'type'`).
   * `false` stores bodies exactly as the fields give them, for a model that owns its database alone.
   */
  readonly discriminator?: string | false;
}
