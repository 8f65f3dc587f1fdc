import {
  BadRequestError,
  isJsonObject,
  type AllDocsOptions,
  type AllDocsResponse,
  type DatabaseAdapter,
  type Document,
  type ExplainResponse,
  type FindRequest,
  type FindResponse,
  type JsonObject,
  type JsonValue,
  type PartitionAdapter,
  type PartitionInfo,
  type ViewQueryOptions,
  type ViewResponse,
} from '@settee/core';
import { runExplain, runFind } from '../find/run-find.js';
import { compareUtf8 } from '../storage/compare-utf8.js';
import { runViewQuery } from '../views/run-view-query.js';
import { partitionQueryLimit } from '../views/partition-scope.js';
import { winnerBodyChars, type DbContext } from './db-context.js';
import { assertPartitionName, partitionRange } from './partition-ids.js';
import { SPACE } from './records.js';

/** What a partition needs from its database's open state. */
interface OpenState {
  readonly ctx: DbContext;
  readonly props: { partitioned?: boolean };
}

/**
 * One partition of an engine database (CouchDB's `/{db}/_partition/{name}/...`). Every call first resolves the
 * database (so a missing one is a 404), then checks what CouchDB's chttpd checks, in its order: for the info the
 * name then the database, for the other endpoints the database then the name.
 */
export class EnginePartition implements PartitionAdapter {
  constructor(
    private readonly db: DatabaseAdapter,
    readonly name: string,
    private readonly open: () => OpenState,
  ) {}

  async info(): Promise<PartitionInfo> {
    const { ctx, props } = this.open();
    assertPartitionName(this.name);
    if (props.partitioned !== true) throw notPartitioned();
    const range = partitionRange(this.name);
    const external = winnerBodyChars(ctx.storage, range);
    return {
      db_name: ctx.name,
      // One copy of each body, uncompressed: the active size is the external one.
      sizes: { active: external, external },
      partition: this.name,
      doc_count: ctx.storage.count(SPACE.docs, range),
      doc_del_count: ctx.storage.count(SPACE.tombs, range),
    };
  }

  /**
   * couch_mrview_util:apply_all_docs_partition: the id range is clamped to `partition:` .. `partition;` (so a
   * `key` of another partition finds nothing); `keys` are looked up as given.
   */
  async allDocs(options: AllDocsOptions = {}): Promise<AllDocsResponse> {
    this.check();
    const limit = partitionQueryLimit(options.limit);
    if (options.keys !== undefined) return this.db.allDocs({ ...options, limit });
    const { gte: low, lt: high } = partitionRange(this.name);
    const { key, ...rest } = options;
    const start = key ?? options.startkey;
    const end = key ?? options.endkey;
    // Ids of the wrong type are refused by `_all_docs`' own checks.
    if ((start !== undefined && typeof start !== 'string') || (end !== undefined && typeof end !== 'string')) return this.db.allDocs(options);
    const max = (a: string, b: string | undefined) => (b !== undefined && compareUtf8(b, a) > 0 ? b : a);
    const min = (a: string, b: string | undefined) => (b !== undefined && compareUtf8(b, a) < 0 ? b : a);
    // Neither bound is a document id (`partition:` has an empty id, `partition;` no colon), so including them or not
    // changes nothing; a range of another partition ends up reversed and empty.
    const [startkey, endkey] = options.descending === true ? [min(high, start), max(low, end)] : [max(low, start), min(high, end)];
    return this.db.allDocs({ ...rest, startkey, endkey, ...(key === undefined ? {} : { inclusive_end: true }), limit });
  }

  async find<T extends object = JsonObject>(request: FindRequest): Promise<FindResponse<Document<T>>> {
    const { ctx } = this.check();
    return runFind(ctx, this.scoped(request)) as FindResponse<Document<T>>;
  }

  async explain(request: FindRequest): Promise<ExplainResponse> {
    const { ctx } = this.check();
    return runExplain(ctx, true, this.scoped(request));
  }

  async query<K = JsonValue, V = JsonValue>(ddoc: string, view: string, options: ViewQueryOptions<K> = {}): Promise<ViewResponse<K, V>> {
    const { ctx } = this.check();
    const { partition, ...rest } = options as ViewQueryOptions;
    if (partition !== undefined && partition !== this.name) throw conflictingPartition(partition, this.name);
    return runViewQuery(ctx, ddoc, view, rest, this.name) as ViewResponse<K, V>;
  }

  /** chttpd_db:handle_partition_req for sub-paths: the database must be partitioned, then the name valid. */
  private check(): OpenState {
    const state = this.open();
    if (state.props.partitioned !== true) throw notPartitioned();
    assertPartitionName(this.name);
    return state;
  }

  /** The request with this partition (mango_httpd sets it; a different one in the body is refused). */
  private scoped(request: FindRequest): unknown {
    if (!isJsonObject(request)) return request;
    const given: unknown = request['partition'];
    if (given !== undefined && given !== this.name) throw conflictingPartition(given, this.name);
    return { ...request, partition: this.name };
  }
}

function conflictingPartition(given: unknown, path: string): BadRequestError {
  return new BadRequestError(`Conflicting value for \`partition\`: ${JSON.stringify(given)} in the request, ${JSON.stringify(path)} in the path`);
}

function notPartitioned(): BadRequestError {
  return new BadRequestError('database is not partitioned');
}
