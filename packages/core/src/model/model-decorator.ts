import type { Doc } from './doc.js';
import { recordModel } from './metadata.js';
import type { ModelOptions } from './model-options.js';
import type { ModelClass } from './model-types.js';

/**
 * Declares a model: `type` is its name in the database (the value of the discriminator field, `type` by default).
 *
 * ```ts
 * @model('playlist', { id: (p: Playlist) => `playlist:${p.owner}:${p.name}` })
 * class Playlist extends Doc { ... }
 * ```
 */
export function model<M extends Doc = Doc>(type: string, options: ModelOptions<M> = {}): (ctor: ModelClass<M>) => void {
  if (typeof type !== 'string' || type === '') throw new TypeError('@model(type): the type must be a non-empty string');
  return (ctor) => {
    // The id function's parameter type was checked against the class by the signature above.
    recordModel(ctor, { type, options: options as ModelOptions<never> });
  };
}
