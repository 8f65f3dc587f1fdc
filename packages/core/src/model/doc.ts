import type { AttachmentStub } from '../adapter/index.js';
import { entityState } from './entity-state.js';

/**
 * The base class of every model. An entity carries its document id as `_id`; its revision and attachment stubs
 * are tracked by the repository that read or wrote it and are exposed here as read-only getters, so they are
 * never part of the entity's own data (spreads, `JSON.stringify`, validation).
 *
 * ```ts
 * @model('playlist')
 * class Playlist extends Doc {
 *   @field(z.string().min(1)) name!: string;
 * }
 * ```
 */
export abstract class Doc {
  /** The document id: assigned by the id strategy on create, or given as `_id`. */
  declare _id: string;

  /** The revision this entity was last read or written at; undefined for an entity never stored. */
  get _rev(): string | undefined {
    return entityState(this)?.rev;
  }

  /** The attachments of the revision this entity is at (metadata only; read bytes with the repository). */
  get _attachments(): Readonly<Record<string, AttachmentStub>> {
    return entityState(this)?.attachments ?? {};
  }
}
