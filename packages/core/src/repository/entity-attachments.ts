import type { AttachmentData } from '../adapter/index.js';
import type { Doc } from '../model/doc.js';
import { entityState, trackEntity, type EntityState } from '../model/entity-state.js';
import { stubsOf } from '../model/model-codec.js';
import type { RepositoryContext } from './repository-context.js';
import { withRevisions } from './write-entities.js';

/**
 * Adds or replaces attachment `name` on a stored entity, as the child of its tracked revision; the entity is then
 * tracked at the new revision with the new stubs. A stale entity rejects with `RevisionConflictError`.
 */
export async function putEntityAttachment<M extends Doc>(
  ctx: RepositoryContext<M>,
  entity: M,
  name: string,
  data: Uint8Array,
  contentType: string,
): Promise<M> {
  const state = storedState(ctx, entity);
  try {
    const { rev } = await ctx.db.putAttachment(entity._id, name, data, contentType, state.rev);
    return await refreshStubs(ctx, entity, rev);
  } catch (error) {
    throw await withRevisions(ctx, error, entity._id, state.rev);
  }
}

/** Removes attachment `name` from a stored entity, as the child of its tracked revision. */
export async function removeEntityAttachment<M extends Doc>(ctx: RepositoryContext<M>, entity: M, name: string): Promise<M> {
  const state = storedState(ctx, entity);
  try {
    const { rev } = await ctx.db.removeAttachment(entity._id, name, state.rev);
    return await refreshStubs(ctx, entity, rev);
  } catch (error) {
    throw await withRevisions(ctx, error, entity._id, state.rev);
  }
}

/** Reads an attachment's bytes: as of the entity's revision, or of the current one for an id. */
export function getEntityAttachment<M extends Doc>(ctx: RepositoryContext<M>, target: M | string, name: string): Promise<AttachmentData> {
  if (typeof target === 'string') return ctx.db.getAttachment(target, name);
  const rev = entityState(target)?.rev;
  return ctx.db.getAttachment(target._id, name, rev === undefined ? {} : { rev });
}

function storedState<M extends Doc>(ctx: RepositoryContext<M>, entity: M): EntityState {
  const state = entityState(entity);
  if (!state) throw new TypeError(`This ${ctx.codec.definition.type} is not stored yet: create or save it before attaching files`);
  return state;
}

/** The stubs (digest, length, revpos) are the server's to compute: read them back at the new revision. */
async function refreshStubs<M extends Doc>(ctx: RepositoryContext<M>, entity: M, rev: string): Promise<M> {
  const doc = await ctx.db.get(entity._id, { rev });
  trackEntity(entity, { rev, attachments: stubsOf(doc._attachments), deleted: false });
  return entity;
}
