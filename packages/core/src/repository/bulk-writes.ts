import type { BulkWriteResult, DocumentInput } from '../adapter/index.js';
import { errorFromCouch, NotFoundError, SetteeError } from '../errors/index.js';
import type { Doc } from '../model/doc.js';
import { entityState, trackEntity, type EntityState } from '../model/entity-state.js';
import type { CreateInput } from '../model/model-types.js';
import type { RepositoryContext } from './repository-context.js';
import { strategyId } from './write-entities.js';

/** One document's outcome in a bulk write: the written entity, or why it was not written. */
export type BulkResult<M> = BulkSuccess<M> | BulkFailure;

/** A document the bulk write stored. */
export interface BulkSuccess<M> {
  readonly ok: true;
  readonly id: string;
  readonly rev: string;
  readonly entity: M;
}

/** A document the bulk write did not store: a `ValidationError` (never sent), or CouchDB's per-document error. */
export interface BulkFailure {
  readonly ok: false;
  /** Undefined for a new document whose id the server would have assigned. */
  readonly id: string | undefined;
  readonly error: SetteeError;
}

/** One document's outcome in a bulk delete. */
export type BulkDeleteResult = { readonly ok: true; readonly id: string; readonly rev: string } | BulkFailure;

/** A document body as bulkDocs takes it (attachment stubs included). */
type StoredInput = DocumentInput<Record<string, unknown>>;

/** A document ready to send, with what to do once its result is known. */
interface Prepared<R> {
  readonly doc: StoredInput;
  readonly done: (id: string, rev: string) => R;
}

/** Validates every input, writes the valid ones in one `bulkDocs`, and reports each input's outcome in order. */
export async function createMany<M extends Doc>(ctx: RepositoryContext<M>, inputs: readonly CreateInput<M>[]): Promise<BulkResult<M>[]> {
  return bulkWrite(ctx, inputs, (input) => {
    const fields = ctx.codec.validate(ctx.codec.dataOf(input), input._id);
    const id = input._id ?? strategyId(ctx, fields);
    return {
      doc: { ...(id === undefined ? {} : { _id: id }), ...ctx.codec.body(fields) },
      done: (newId, rev) => success(ctx.codec.instantiate(newId, fields), newId, { rev, attachments: {}, deleted: false }),
    };
  });
}

/** Saves entities in one `bulkDocs` (tracked ones at their revision, new ones as creates); outcomes in order. */
export async function saveMany<M extends Doc>(ctx: RepositoryContext<M>, entities: readonly M[]): Promise<BulkResult<M>[]> {
  return bulkWrite(ctx, entities, (entity) => {
    const state = entityState(entity);
    const fields = ctx.codec.validate(ctx.codec.dataOf(entity), entity._id);
    const id = entity._id ?? strategyId(ctx, fields);
    const attachments = state && Object.keys(state.attachments).length > 0 ? { _attachments: { ...state.attachments } } : {};
    return {
      doc: { ...(id === undefined ? {} : { _id: id }), ...(state ? { _rev: state.rev } : {}), ...attachments, ...ctx.codec.body(fields) },
      done: (newId, rev) => {
        entity._id = newId;
        Object.assign(entity, fields);
        return success(entity, newId, { rev, attachments: state?.attachments ?? {}, deleted: false });
      },
    };
  });
}

/** Deletes entities (at their tracked revision) or ids (at their current one) in one `bulkDocs`; outcomes in order. */
export async function deleteMany<M extends Doc>(ctx: RepositoryContext<M>, targets: readonly (M | string)[]): Promise<BulkDeleteResult[]> {
  const ids = targets.filter((t): t is string => typeof t === 'string');
  const current = new Map<string, string>();
  if (ids.length > 0) {
    const { rows } = await ctx.db.allDocs({ keys: ids, include_docs: true });
    for (const row of rows) {
      if (!('error' in row) && !row.value.deleted && row.doc && ctx.codec.owns(row.doc)) current.set(row.id, row.value.rev);
    }
  }
  return bulkWrite(ctx, targets, (target) => {
    const id = typeof target === 'string' ? target : target._id;
    const rev = typeof target === 'string' ? current.get(target) : entityState(target)?.rev;
    if (rev === undefined) throw new NotFoundError(typeof target === 'string' ? 'missing' : 'never stored', { id });
    return {
      doc: ctx.codec.tombstone(id, rev),
      done: (_id, newRev) => {
        if (typeof target !== 'string') trackEntity(target, { rev: newRev, attachments: {}, deleted: true });
        return { ok: true as const, id, rev: newRev };
      },
    };
  });
}

function success<M extends Doc>(entity: M, id: string, state: EntityState): BulkSuccess<M> {
  trackEntity(entity, state);
  return { ok: true, id, rev: state.rev, entity };
}

/**
 * The shared shape of the bulk operations: prepare each input (a thrown `SetteeError` becomes that input's
 * failure and it is not sent), send the prepared documents in one `bulkDocs`, map results back in input order.
 */
async function bulkWrite<M extends Doc, I, R>(
  ctx: RepositoryContext<M>,
  inputs: readonly I[],
  prepare: (input: I) => Prepared<R>,
): Promise<Array<R | BulkFailure>> {
  const steps = inputs.map((input): { prepared: Prepared<R> } | { failure: BulkFailure } => {
    try {
      return { prepared: prepare(input) };
    } catch (error) {
      if (!(error instanceof SetteeError)) throw error;
      return { failure: { ok: false, id: error.id, error } };
    }
  });
  const toSend = steps.flatMap((step) => ('prepared' in step ? [step.prepared.doc] : []));
  const results = toSend.length === 0 ? [] : await ctx.db.bulkDocs(toSend);
  let next = 0;
  return steps.map((step) => ('prepared' in step ? finish(step.prepared, results[next++]) : step.failure));
}

function finish<R>(prepared: Prepared<R>, result: BulkWriteResult | undefined): R | BulkFailure {
  if (result === undefined) {
    return { ok: false, id: prepared.doc._id, error: new SetteeError(500, 'unknown_error', 'bulkDocs returned no result for this document') };
  }
  if ('error' in result) return { ok: false, id: result.id, error: errorFromCouch({ error: result.error, reason: result.reason, id: result.id }) };
  return prepared.done(result.id, result.rev);
}
