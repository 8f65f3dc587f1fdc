import type { Document } from '../adapter/index.js';
import { NotFoundError } from '../errors/index.js';
import type { Doc } from '../model/doc.js';
import type { RepositoryContext } from './repository-context.js';

const NO_DATABASE = 'Database does not exist.';

/** Reads one entity; a missing or deleted document, or one of another model, rejects with `NotFoundError`. */
export async function getEntity<M extends Doc>(ctx: RepositoryContext<M>, id: string): Promise<M> {
  return ownedEntity(ctx, await ctx.db.get(id));
}

/** Reads one entity, or undefined when there is none (a missing database still rejects). */
export async function maybeEntity<M extends Doc>(ctx: RepositoryContext<M>, id: string): Promise<M | undefined> {
  try {
    return await getEntity(ctx, id);
  } catch (error) {
    if (isMissingDocument(error)) return undefined;
    throw error;
  }
}

/** Reads entities by id in one request; each position holds the entity, or undefined when there is none. */
export async function getManyEntities<M extends Doc>(ctx: RepositoryContext<M>, ids: readonly string[]): Promise<Array<M | undefined>> {
  if (ids.length === 0) return [];
  const { rows } = await ctx.db.allDocs({ keys: [...ids], include_docs: true });
  return rows.map((row) => {
    if ('error' in row || row.value.deleted || !row.doc || !ctx.codec.owns(row.doc)) return undefined;
    return ctx.codec.hydrate(row.doc);
  });
}

/** The entity for a document read by id, or the `NotFoundError` of a document that belongs to another model. */
export function ownedEntity<M extends Doc>(ctx: RepositoryContext<M>, doc: Document): M {
  if (!ctx.codec.owns(doc)) throw notThisModel(ctx, doc);
  return ctx.codec.hydrate(doc);
}

/** True for the `NotFoundError` of a document (missing, deleted, another model's), not of a database. */
export function isMissingDocument(error: unknown): error is NotFoundError {
  return error instanceof NotFoundError && error.reason !== NO_DATABASE;
}

function notThisModel<M extends Doc>(ctx: RepositoryContext<M>, doc: Document): NotFoundError {
  const { discriminator, type } = ctx.codec.definition;
  const actual = discriminator === undefined ? 'a design document' : `of type ${JSON.stringify(doc[discriminator] ?? null)}`;
  return new NotFoundError(`"${doc._id}" is ${actual}, not a ${type}`, { id: doc._id });
}
