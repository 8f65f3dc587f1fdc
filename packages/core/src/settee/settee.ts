import { Subject } from 'rxjs';
import type { DatabaseAdapter, ServerAdapter } from '../adapter/index.js';
import { NotFoundError, PreconditionFailedError } from '../errors/index.js';
import type { Doc } from '../model/doc.js';
import type { ModelClass } from '../model/model-types.js';
import { Repository } from '../repository/repository.js';

/** Options of `Settee.open`. */
export interface SetteeOptions {
  /** Create the database when it does not exist (default true). */
  readonly create?: boolean;
}

/**
 * The entry point: one database on one server adapter (the bundled engine, or a remote CouchDB), handing out a
 * repository per model. Closing it completes every live stream its repositories made, then closes the adapter.
 *
 * ```ts
 * const settee = await Settee.open(createEngine({ storage: 'sqlite', dir: './data' }), 'music');
 * const playlists = settee.repository(Playlist);
 * ...
 * await settee.close();
 * ```
 */
export class Settee {
  /** The database, for what repositories do not cover (views, `_local` documents, security, ...). */
  readonly db: DatabaseAdapter;
  /** Model class to its repository (a `Repository` of that class's instances). */
  private readonly repositories = new Map<object, unknown>();
  private readonly closing = new Subject<void>();
  private closed = false;

  private constructor(
    readonly server: ServerAdapter,
    readonly database: string,
  ) {
    this.db = server.db(database);
  }

  /** Opens database `name` on `server`, creating it unless `options.create` is false. */
  static async open(server: ServerAdapter, name: string, options: SetteeOptions = {}): Promise<Settee> {
    const settee = new Settee(server, name);
    await settee.ensureDatabase(options.create ?? true);
    return settee;
  }

  /** The repository of `model` in this database (one per model class). */
  repository<M extends Doc>(model: ModelClass<M>): Repository<M> {
    if (this.closed) throw new Error('This Settee is closed');
    const existing = this.repositories.get(model) as Repository<M> | undefined;
    if (existing) return existing;
    const repository = new Repository(this.db, model, { closed$: this.closing });
    this.repositories.set(model, repository);
    return repository;
  }

  /** Completes every live stream, then closes the server adapter (its feeds and storage). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.next();
    this.closing.complete();
    await this.server.close();
  }

  private async ensureDatabase(create: boolean): Promise<void> {
    try {
      await this.db.info();
      return;
    } catch (error) {
      if (!(error instanceof NotFoundError) || !create) throw error;
    }
    try {
      await this.server.createDb(this.database);
    } catch (error) {
      // Someone else created it between our check and our create: that is what we wanted.
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
}
