import type { Document, FindRequest, MangoSortEntry } from '../adapter/index.js';
import { validateSelector, type MangoSelector, type Selector, type Sort } from '../mango/index.js';
import type { Doc } from '../model/doc.js';
import type { ModelData } from '../model/model-types.js';
import type { ModelIndexes } from './model-indexes.js';
import type { RepositoryContext } from './repository-context.js';

/** What a query can name: the model's fields and the document id. */
export type Queryable<M> = ModelData<M> & { _id: string };

/** A typed Mango selector over a model's fields (the repository adds the type discriminator). */
export type ModelSelector<M> = Selector<Queryable<M>>;

/** Options of `find`. */
export interface FindOptions<M> {
  /** Sort order; CouchDB needs an index covering the sorted fields (declare one with `@index`). */
  readonly sort?: Sort<Queryable<M>>;
  /** At most this many entities. Without a limit, every match is returned (read page by page). */
  readonly limit?: number;
  /** Skip this many matches first. */
  readonly skip?: number;
  /** The index to use: `'ddoc'` or `['ddoc', 'name']`. */
  readonly useIndex?: string | readonly [string, string];
}

/** A query once its types are checked: what the functions below take. */
export interface RawQuery {
  readonly selector: MangoSelector;
  readonly sort?: readonly MangoSortEntry[] | undefined;
  readonly limit?: number | undefined;
  readonly skip?: number | undefined;
  readonly useIndex?: string | readonly [string, string] | undefined;
  readonly fields?: readonly string[] | undefined;
}

/** How many documents each `_find` request asks for when reading every match. */
const PAGE = 250;

/**
 * Runs a Mango query scoped to the model: the selector is checked before anything is sent (CouchDB's own error,
 * as a `MangoSelectorError`), the model's indexes are ensured first, and every document comes back as a
 * validated entity.
 */
export async function findEntities<M extends Doc>(ctx: RepositoryContext<M>, indexes: ModelIndexes<M>, query: RawQuery): Promise<M[]> {
  const docs = await findDocs(ctx, indexes, query);
  // The selector carries the discriminator; without one, design documents are left out here.
  return docs.filter((doc) => ctx.codec.owns(doc)).map((doc) => ctx.codec.hydrate(doc));
}

/** Counts the model's documents matching the selector (Mango has no count: ids are read page by page). */
export async function countEntities<M extends Doc>(ctx: RepositoryContext<M>, indexes: ModelIndexes<M>, selector: MangoSelector): Promise<number> {
  return (await findDocs(ctx, indexes, { selector, fields: ['_id'] })).length;
}

/** The matching documents as CouchDB returns them (projected when `query.fields` is given). */
export async function findDocs<M extends Doc>(ctx: RepositoryContext<M>, indexes: ModelIndexes<M>, query: RawQuery): Promise<Document[]> {
  const request = buildRequest(ctx, query);
  await indexes.ensure();
  if (query.limit !== undefined) return (await ctx.db.find(request)).docs;
  const all: Document[] = [];
  let bookmark: string | undefined;
  for (;;) {
    const page = await ctx.db.find({ ...request, limit: PAGE, ...(bookmark === undefined ? {} : { bookmark, skip: 0 }) });
    all.push(...page.docs);
    if (page.docs.length < PAGE || page.bookmark === undefined || page.bookmark === bookmark) return all;
    bookmark = page.bookmark;
  }
}

/** The typed query options in the adapter's terms. */
export function rawQuery<M>(selector: ModelSelector<M>, options: FindOptions<M> = {}): RawQuery {
  return {
    // A typed selector is a JSON object by construction; validateSelector checks it at run time.
    selector: selector as MangoSelector,
    sort: options.sort as readonly MangoSortEntry[] | undefined,
    limit: options.limit,
    skip: options.skip,
    useIndex: options.useIndex,
  };
}

function buildRequest<M extends Doc>(ctx: RepositoryContext<M>, query: RawQuery): FindRequest {
  const { discriminator, type } = ctx.codec.definition;
  // The discriminator goes last, so that nothing in an untyped selector can widen the scope.
  const selector: MangoSelector = discriminator === undefined ? query.selector : { ...query.selector, [discriminator]: type };
  validateSelector(selector);
  const { sort, limit, skip, useIndex, fields } = query;
  return {
    selector,
    ...(fields === undefined ? {} : { fields: [...fields] }),
    ...(sort === undefined ? {} : { sort: scopedSort(sort, discriminator) }),
    ...(limit === undefined ? {} : { limit }),
    ...(skip === undefined ? {} : { skip }),
    ...(useIndex === undefined ? {} : { use_index: typeof useIndex === 'string' ? useIndex : [useIndex[0], useIndex[1]] }),
  };
}

/**
 * The sort with the discriminator in front (in the same direction): a no-op on the result, since every match has
 * the same type, but it makes the sort a prefix of the model's indexes (which lead with the discriminator), which
 * every Mango planner can use, not only CouchDB's constant-column rule.
 */
function scopedSort(sort: readonly MangoSortEntry[], discriminator: string | undefined): MangoSortEntry[] {
  const first = sort[0];
  if (discriminator === undefined || first === undefined) return [...sort];
  const direction = typeof first === 'string' ? 'asc' : (Object.values(first)[0] ?? 'asc');
  return [{ [discriminator]: direction }, ...sort];
}
