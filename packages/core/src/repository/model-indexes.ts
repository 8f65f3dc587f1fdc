import type { IndexDefinition, IndexField } from '../adapter/index.js';
import type { Doc } from '../model/doc.js';
import type { ModelIndex } from '../model/index-definition.js';
import type { RepositoryContext } from './repository-context.js';

/**
 * The model's `@index` declarations, created (or found identical, which verifies them) once, before the first
 * query. With a discriminator each index leads with it: queries always fix the type with an equality, which
 * CouchDB treats as a constant column, so the index still serves sorts on the declared fields.
 */
export class ModelIndexes<M extends Doc> {
  private ensured: Promise<void> | undefined;

  constructor(private readonly ctx: RepositoryContext<M>) {}

  /** The index definitions as sent to `createIndex`. */
  get definitions(): IndexDefinition[] {
    const { discriminator, indexes } = this.ctx.codec.definition;
    return indexes.map((index) => toDefinition(index, discriminator));
  }

  /** Creates or verifies every index; runs once (again after a failure). */
  ensure(): Promise<void> {
    this.ensured ??= this.createAll().catch((error: unknown) => {
      this.ensured = undefined;
      throw error;
    });
    return this.ensured;
  }

  private async createAll(): Promise<void> {
    for (const definition of this.definitions) await this.ctx.db.createIndex(definition);
  }
}

function toDefinition(index: ModelIndex, discriminator: string | undefined): IndexDefinition {
  const fields: IndexField[] = [...index.fields];
  const first = fields[0];
  const firstPath = typeof first === 'string' ? first : first === undefined ? undefined : Object.keys(first)[0];
  if (discriminator !== undefined && firstPath !== discriminator) fields.unshift(discriminator);
  return {
    index: { fields, ...(index.partialFilterSelector === undefined ? {} : { partial_filter_selector: index.partialFilterSelector }) },
    ...(index.ddoc === undefined ? {} : { ddoc: index.ddoc }),
    ...(index.name === undefined ? {} : { name: index.name }),
    type: 'json',
  };
}
