import { NEVER, takeUntil, type Observable } from 'rxjs';
import type { AttachmentData, DatabaseAdapter, WriteResult } from '../adapter/index.js';
import type { Fields, MangoSelector, Projected } from '../mango/index.js';
import type { Doc } from '../model/doc.js';
import { ModelCodec } from '../model/model-codec.js';
import { modelDefinition, type ModelDefinition } from '../model/model-definition.js';
import type { CreateInput, ModelClass } from '../model/model-types.js';
import { createMany, deleteMany, saveMany, type BulkDeleteResult, type BulkResult } from './bulk-writes.js';
import { readConflicts, resolveConflicts, type ConflictSet, type Resolver } from './conflict-resolution.js';
import { getEntityAttachment, putEntityAttachment, removeEntityAttachment } from './entity-attachments.js';
import { liveEntity } from './live-entity.js';
import { liveFind } from './live-find.js';
import { countEntities, findDocs, findEntities, rawQuery, type FindOptions, type ModelSelector, type Queryable } from './find-entities.js';
import { ModelIndexes } from './model-indexes.js';
import { modelChanges, type ModelChange, type ModelChangesOptions } from './model-changes.js';
import { getEntity, getManyEntities, maybeEntity } from './read-entities.js';
import type { RepositoryContext } from './repository-context.js';
import { updateEntity, type Mutation, type UpdateOptions } from './update-entity.js';
import { createEntity, deleteEntity, saveEntity } from './write-entities.js';
import type { JsonValue } from '../json.js';
import { queryView, type TypedViewOptions, type TypedViewResponse, type ViewSpec } from '../views/define-view.js';
import { deployDesignDocuments, designDocumentsOfViews, type DeployResult } from '../views/design-documents.js';
import { liveView } from '../views/live-view.js';
import { viewsOf } from '../views/view-decorator.js';

/** Options of a repository made by hand (a `Settee` passes its own). */
export interface RepositoryOptions {
  /** Emits (once) when live streams must complete, e.g. when their owner closes. */
  readonly closed$?: Observable<void>;
}

/**
 * Typed access to one model's documents in one database. Every write is validated (nothing invalid is sent),
 * every read is validated and returns instances of the model class, and revisions are tracked per entity, so that
 * `save` after `save` just works while a stale entity is refused with a `RevisionConflictError`.
 *
 * ```ts
 * const playlists = settee.repository(Playlist);
 * const p = await playlists.create({ name: 'Road trip', songs: [] });
 * p.songs.push(song);
 * await playlists.save(p);
 * await playlists.update(p._id, (d) => { d.songs.push(other); });
 * ```
 */
export class Repository<M extends Doc> {
  /** The model's checked definition: type, discriminator, validation mode, fields, indexes. */
  readonly model: ModelDefinition<M>;
  private readonly ctx: RepositoryContext<M>;
  private readonly indexes: ModelIndexes<M>;

  constructor(
    readonly db: DatabaseAdapter,
    modelClass: ModelClass<M>,
    options: RepositoryOptions = {},
  ) {
    this.model = modelDefinition(modelClass);
    this.ctx = { db, codec: new ModelCodec(this.model), closed$: options.closed$ ?? NEVER };
    this.indexes = new ModelIndexes(this.ctx);
  }

  /** Queries a view declared with `defineView` (typed keys and values; reduced rows unless `reduce: false`). */
  view<K extends JsonValue, V extends JsonValue, Reduced, O extends TypedViewOptions<K> = Record<never, never>>(
    spec: ViewSpec<unknown, K, V, Reduced>,
    options?: O,
  ): Promise<TypedViewResponse<K, V, Reduced, O>> {
    return queryView(this.db, spec, options);
  }

  /** The view's answer now and after every change to the database, until the repository's owner closes. */
  view$<K extends JsonValue, V extends JsonValue, Reduced, O extends TypedViewOptions<K> = Record<never, never>>(
    spec: ViewSpec<unknown, K, V, Reduced>,
    options?: O,
  ): Observable<TypedViewResponse<K, V, Reduced, O>> {
    return liveView(this.db, spec, options).pipe(takeUntil(this.ctx.closed$));
  }

  /** Writes the design documents of the model's `@view` declarations, only those that changed. */
  deployViews(): Promise<DeployResult[]> {
    return deployDesignDocuments(this.db, designDocumentsOfViews(viewsOf(this.model.ctor)));
  }

  /** Creates (or verifies) the model's `@index` declarations now; otherwise the first query does it. */
  ensureIndexes(): Promise<void> {
    return this.indexes.ensure();
  }

  /** Validates and stores a new entity (id from `data._id` or the model's id strategy). */
  create(data: CreateInput<M>): Promise<M> {
    return createEntity(this.ctx, data);
  }

  /** The entity `id`; rejects with `NotFoundError` when it is missing, deleted or of another model. */
  get(id: string): Promise<M> {
    return getEntity(this.ctx, id);
  }

  /** The entity `id`, or undefined when it is missing, deleted or of another model. */
  maybe(id: string): Promise<M | undefined> {
    return maybeEntity(this.ctx, id);
  }

  /** Several entities in one request, in the order of `ids` (undefined where there is none). */
  getMany(ids: readonly string[]): Promise<Array<M | undefined>> {
    return getManyEntities(this.ctx, ids);
  }

  /**
   * The model's entities matching a typed Mango selector, e.g.
   * `find({ owner: 'ana', 'songs.0.artist': { $exists: true } }, { sort: [{ name: 'asc' }] })`.
   * Without `limit`, every match is returned.
   */
  find(selector: ModelSelector<M>, options?: FindOptions<M>): Promise<M[]> {
    return findEntities(this.ctx, this.indexes, rawQuery<M>(selector, options));
  }

  /** The first entity matching `selector` (in `sort` order), or undefined. */
  async findOne(selector: ModelSelector<M>, options?: Omit<FindOptions<M>, 'limit'>): Promise<M | undefined> {
    const [first] = await findEntities(this.ctx, this.indexes, { ...rawQuery<M>(selector, options), limit: 1 });
    return first;
  }

  /** How many of the model's documents match `selector` (all of them by default). */
  count(selector: ModelSelector<M> = {} as ModelSelector<M>): Promise<number> {
    return countEntities(this.ctx, this.indexes, selector as MangoSelector);
  }

  /**
   * Only the listed paths of each match, as plain objects typed by the projection (not entities, and not
   * validated, since a projection is partial by design).
   */
  async findFields<const F extends Fields<Queryable<M>>>(
    selector: ModelSelector<M>,
    fields: F,
    options?: FindOptions<M>,
  ): Promise<Array<Projected<Queryable<M>, F>>> {
    const rows: object[] = await findDocs(this.ctx, this.indexes, { ...rawQuery<M>(selector, options), fields });
    // CouchDB returned exactly these paths of documents that belong to the model.
    return rows as Array<Projected<Queryable<M>, F>>;
  }

  /** Stores `entity` as the child of its tracked revision (or creates it when it was never stored); returns it. */
  save(entity: M): Promise<M> {
    return saveEntity(this.ctx, entity);
  }

  /**
   * Re-reads `id`, applies `mutate` and saves, retrying after conflicts with a jittered backoff; then calls
   * `onConflict(mine, theirs)` if given. Resolves with the stored entity.
   */
  update(id: string, mutate: Mutation<M>, options?: UpdateOptions<M>): Promise<M> {
    return updateEntity(this.ctx, id, mutate, options);
  }

  /** Deletes an entity at its tracked revision, or document `id` at its current one. */
  delete(target: M | string): Promise<WriteResult> {
    return deleteEntity(this.ctx, target);
  }

  /** Creates many entities in one request; one result per input, in order (invalid ones are not sent). */
  createMany(data: readonly CreateInput<M>[]): Promise<BulkResult<M>[]> {
    return createMany(this.ctx, data);
  }

  /** Saves many entities in one request; one result per entity, in order. */
  saveMany(entities: readonly M[]): Promise<BulkResult<M>[]> {
    return saveMany(this.ctx, entities);
  }

  /** Deletes many entities or ids in one request; one result per target, in order. */
  deleteMany(targets: readonly (M | string)[]): Promise<BulkDeleteResult[]> {
    return deleteMany(this.ctx, targets);
  }

  /** The winner of document `id` and its other live leaves (replication conflicts). */
  conflicts(id: string): Promise<ConflictSet<M>> {
    return readConflicts(this.ctx, id);
  }

  /** Writes `resolver`'s entity over the winner and deletes the losing leaves, in one request. */
  resolve(id: string, resolver: Resolver<M>): Promise<M> {
    return resolveConflicts(this.ctx, id, resolver);
  }

  /** Adds or replaces an attachment on a stored entity; the entity moves to the new revision. */
  putAttachment(entity: M, name: string, data: Uint8Array, contentType: string): Promise<M> {
    return putEntityAttachment(this.ctx, entity, name, data, contentType);
  }

  /** An attachment's bytes, as of the entity's revision (or the current one, for an id). */
  getAttachment(target: M | string, name: string): Promise<AttachmentData> {
    return getEntityAttachment(this.ctx, target, name);
  }

  /** Removes an attachment from a stored entity; the entity moves to the new revision. */
  removeAttachment(entity: M, name: string): Promise<M> {
    return removeEntityAttachment(this.ctx, entity, name);
  }

  /** The live changes of this model's documents (from `since`, default the beginning), as entities. */
  changes$(options?: ModelChangesOptions): Observable<ModelChange<M>> {
    return modelChanges(this.ctx, options);
  }

  /** A live `find`: the current result, then a new one after each change to the model's documents. */
  find$(selector: ModelSelector<M>, options?: FindOptions<M>): Observable<M[]> {
    const query = rawQuery<M>(selector, options);
    return liveFind(this.ctx, () => findEntities(this.ctx, this.indexes, query));
  }

  /** Entity `id`, live: the current state, then each new one (undefined while missing or deleted). */
  get$(id: string): Observable<M | undefined> {
    return liveEntity(this.ctx, id);
  }
}
