import { z, type ZodType } from 'zod';
import type { Doc } from './doc.js';
import type { IdStrategy } from './id-strategy.js';
import type { ModelIndex } from './index-definition.js';
import { declarationOf, fieldsOf, indexesOf } from './metadata.js';
import type { ModelClass, ValidationMode } from './model-types.js';

/** Everything the decorators declared about a model, checked and ready for a repository. */
export interface ModelDefinition<M extends Doc> {
  readonly ctor: ModelClass<M>;
  /** The type name given to `@model`. */
  readonly type: string;
  /** The field holding `type` in each document, or undefined when the model owns its database alone. */
  readonly discriminator: string | undefined;
  readonly validation: ValidationMode;
  readonly id: IdStrategy<M>;
  readonly fields: ReadonlyMap<string, ZodType>;
  readonly indexes: readonly ModelIndex[];
  /** The schema of a document's fields for the validation mode; undefined with `'off'`. */
  readonly schema: ZodType<Record<string, unknown>> | undefined;
}

// Keyed by class; each value is the ModelDefinition of its key's instance type.
const definitions = new WeakMap<object, unknown>();

/**
 * The definition of a model class, built on first use (so that decorators may come in any order) and checked:
 * a class without `@model`, a field starting with `_`, a field named like the discriminator or an index over an
 * undeclared field throws a TypeError naming the class.
 */
export function modelDefinition<M extends Doc>(ctor: ModelClass<M>): ModelDefinition<M> {
  const cached = definitions.get(ctor);
  if (cached) return cached as ModelDefinition<M>;
  const definition = buildDefinition(ctor);
  definitions.set(ctor, definition);
  return definition;
}

function buildDefinition<M extends Doc>(ctor: ModelClass<M>): ModelDefinition<M> {
  const declaration = declarationOf(ctor);
  if (!declaration) throw new TypeError(`${ctor.name} is not a model: decorate the class with @model('some-type')`);
  const { type, options } = declaration;
  const discriminator = options.discriminator === false ? undefined : (options.discriminator ?? 'type');
  const validation = options.validation ?? 'strict';
  const fields = fieldsOf(ctor.prototype);
  const indexes = indexesOf(ctor);

  for (const key of fields.keys()) {
    if (key.startsWith('_')) throw new TypeError(`${ctor.name}.${key}: CouchDB reserves fields starting with "_"`);
    if (key === discriminator) {
      throw new TypeError(`${ctor.name}.${key}: "${key}" holds the model type; choose another discriminator with @model('${type}', { discriminator: '...' })`);
    }
  }
  for (const index of indexes) {
    for (const indexField of index.fields) {
      const path = typeof indexField === 'string' ? indexField : Object.keys(indexField)[0];
      const head = path?.split('.')[0] ?? '';
      const known = fields.has(head) || head === discriminator || head === '_id' || validation === 'off';
      if (!known) throw new TypeError(`${ctor.name}: @index over "${path ?? ''}", which is not a declared @field`);
    }
  }

  const shape = Object.fromEntries(fields);
  const schema = validation === 'off' ? undefined : validation === 'strict' ? z.strictObject(shape) : z.object(shape);
  return {
    ctor,
    type,
    discriminator,
    validation,
    id: (options.id ?? 'uuid') as IdStrategy<M>,
    fields,
    indexes,
    schema,
  };
}
