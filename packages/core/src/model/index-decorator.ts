import type { IndexField } from '../adapter/index.js';
import type { IndexOptions, ModelIndex } from './index-definition.js';
import { recordIndex } from './metadata.js';

/** `@index()` on a property: a single-field index on it. */
export type PropertyIndexDecorator = (prototype: object, key: string) => void;
/** `@index(fields)` on a class: an index over several fields, in order. */
export type ClassIndexDecorator = (ctor: abstract new (...args: never[]) => object) => void;

/**
 * Declares a Mango index, created or verified when a repository for the model opens.
 *
 * ```ts
 * @index(['owner', { name: 'desc' }], { name: 'by-owner-name' })
 * @model('playlist')
 * class Playlist extends Doc {
 *   @index() @field(z.string()) owner!: string;
 * }
 * ```
 */
export function index(options?: IndexOptions): PropertyIndexDecorator;
export function index(fields: readonly IndexField[], options?: IndexOptions): ClassIndexDecorator;
export function index(
  fieldsOrOptions?: readonly IndexField[] | IndexOptions,
  classOptions: IndexOptions = {},
): PropertyIndexDecorator & ClassIndexDecorator {
  return ((target: object, key?: string): void => {
    if (Array.isArray(fieldsOrOptions)) {
      if (key !== undefined) throw new TypeError(`@index(fields) goes on the class, not on the property "${key}"`);
      if (fieldsOrOptions.length === 0) throw new TypeError('@index(fields): list at least one field');
      recordIndex(target, { ...classOptions, fields: [...fieldsOrOptions] });
      return;
    }
    if (key === undefined) throw new TypeError('@index() on a class needs the list of fields: @index([\'a\', \'b\'])');
    const definition: ModelIndex = { ...(fieldsOrOptions as IndexOptions | undefined), fields: [key] };
    recordIndex(target, definition);
  }) as PropertyIndexDecorator & ClassIndexDecorator;
}
