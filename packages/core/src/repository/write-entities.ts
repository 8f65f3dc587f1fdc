import type { WriteResult } from '../adapter/index.js';
import { ConflictError } from '../errors/index.js';
import type { JsonObject } from '../json.js';
import type { Doc } from '../model/doc.js';
import { entityState, trackEntity, type EntityState } from '../model/entity-state.js';
import type { CreateInput } from '../model/model-types.js';
import { getEntity, isMissingDocument } from './read-entities.js';
import type { RepositoryContext } from './repository-context.js';
import { RevisionConflictError } from './revision-conflict-error.js';

/** Validates and stores a new entity; its id comes from `input._id` or the model's id strategy. */
export async function createEntity<M extends Doc>(ctx: RepositoryContext<M>, input: CreateInput<M>): Promise<M> {
  const { id, rev, fields } = await insert(ctx, input, input._id);
  const entity = ctx.codec.instantiate(id, fields);
  trackEntity(entity, { rev, attachments: {}, deleted: false });
  return entity;
}

/**
 * Stores `entity`: as the child of its tracked revision when a repository read or wrote it, else as a new
 * document. A stale revision rejects with {@link RevisionConflictError}; nothing is overwritten.
 */
export async function saveEntity<M extends Doc>(ctx: RepositoryContext<M>, entity: M): Promise<M> {
  const state = entityState(entity);
  if (state) {
    try {
      return await putEntity(ctx, entity, entity._id, state);
    } catch (error) {
      throw await withRevisions(ctx, error, entity._id, state.rev);
    }
  }
  const { id, rev, fields } = await insert(ctx, entity, entity._id);
  entity._id = id;
  Object.assign(entity, fields);
  trackEntity(entity, { rev, attachments: {}, deleted: false });
  return entity;
}

/**
 * Writes `entity`'s fields as document `id`, child of `base.rev`, keeping `base`'s attachments; then tracks the
 * entity at the new revision (with defaults the schema filled in). A conflict rejects with CouchDB's plain
 * `ConflictError`, so that retry loops need no extra read.
 */
export async function putEntity<M extends Doc>(ctx: RepositoryContext<M>, entity: M, id: string, base: EntityState): Promise<M> {
  const fields = ctx.codec.validate(ctx.codec.dataOf(entity), id);
  const attachments = Object.keys(base.attachments).length > 0 ? { _attachments: { ...base.attachments } } : {};
  const { rev } = await ctx.db.put({ _id: id, _rev: base.rev, ...attachments, ...ctx.codec.body(fields) });
  if (entity._id !== id) entity._id = id;
  Object.assign(entity, fields);
  trackEntity(entity, { rev, attachments: base.attachments, deleted: false });
  return entity;
}

/** Deletes an entity (at its tracked revision) or the current revision of the document `id`. */
export async function deleteEntity<M extends Doc>(ctx: RepositoryContext<M>, target: M | string): Promise<WriteResult> {
  const entity = typeof target === 'string' ? await getEntity(ctx, target) : target;
  const state = entityState(entity);
  if (!state) {
    throw new TypeError(`This ${ctx.codec.definition.type} was never stored or read through a repository; delete it by id instead`);
  }
  try {
    const result = await ctx.db.put(ctx.codec.tombstone(entity._id, state.rev));
    trackEntity(entity, { rev: result.rev, attachments: {}, deleted: true });
    return result;
  } catch (error) {
    throw await withRevisions(ctx, error, entity._id, state.rev);
  }
}

/** The current revision of document `id`, or undefined when it is missing or deleted. */
export async function currentRevision<M extends Doc>(ctx: RepositoryContext<M>, id: string): Promise<string | undefined> {
  try {
    return (await ctx.db.get(id))._rev;
  } catch (error) {
    if (isMissingDocument(error)) return undefined;
    throw error;
  }
}

/** Turns CouchDB's plain conflict into a {@link RevisionConflictError} naming both revisions; passes others on. */
export async function withRevisions<M extends Doc>(
  ctx: RepositoryContext<M>,
  error: unknown,
  id: string | undefined,
  attemptedRev: string | undefined,
): Promise<unknown> {
  if (!(error instanceof ConflictError) || error instanceof RevisionConflictError || id === undefined) return error;
  return new RevisionConflictError(id, attemptedRev, await currentRevision(ctx, id), error);
}

/** The id a new entity gets from the model's strategy, or undefined to let the server assign one. */
export function strategyId<M extends Doc>(ctx: RepositoryContext<M>, fields: JsonObject): string | undefined {
  const strategy = ctx.codec.definition.id;
  if (strategy === 'uuid') return undefined;
  const id = strategy(ctx.codec.instantiate(undefined, fields));
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`The id strategy of ${ctx.codec.definition.type} returned ${JSON.stringify(id)}, not a non-empty string`);
  }
  return id;
}

async function insert<M extends Doc>(
  ctx: RepositoryContext<M>,
  source: object,
  explicitId: string | undefined,
): Promise<{ id: string; rev: string; fields: JsonObject }> {
  const fields = ctx.codec.validate(ctx.codec.dataOf(source), explicitId);
  const id = explicitId ?? strategyId(ctx, fields);
  const body = ctx.codec.body(fields);
  try {
    const result = id === undefined ? await ctx.db.post(body) : await ctx.db.put({ _id: id, ...body });
    return { id: result.id, rev: result.rev, fields };
  } catch (error) {
    throw await withRevisions(ctx, error, id, undefined);
  }
}
