import type { Observable } from 'rxjs';
import type { DatabaseAdapter } from '../adapter/index.js';
import type { Doc } from '../model/doc.js';
import type { ModelCodec } from '../model/model-codec.js';

/** What the repository's operations share: the database, the model's codec, and the signal that ends streams. */
export interface RepositoryContext<M extends Doc> {
  readonly db: DatabaseAdapter;
  readonly codec: ModelCodec<M>;
  /** Emits once when the owner (a `Settee`) closes: live streams complete then. */
  readonly closed$: Observable<void>;
}
