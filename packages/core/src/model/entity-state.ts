import type { AttachmentStub } from '../adapter/index.js';

/**
 * What a repository remembers about an entity it read or wrote: the revision it is at and its attachment stubs.
 * Kept in a WeakMap rather than on the object, so revisions never leak into document bodies, spreads or JSON,
 * and an entity nobody references any more is forgotten.
 */
export interface EntityState {
  readonly rev: string;
  readonly attachments: Readonly<Record<string, AttachmentStub>>;
  /** True once the entity's document was deleted through a repository. */
  readonly deleted: boolean;
}

const states = new WeakMap<object, EntityState>();

/** The tracked state of `entity`, or undefined when no repository has read or written it. */
export function entityState(entity: object): EntityState | undefined {
  return states.get(entity);
}

/** Records that `entity` is now at `state.rev`. */
export function trackEntity(entity: object, state: EntityState): void {
  states.set(entity, state);
}

/** The revision `entity` was last read or written at, or undefined for an entity never stored. */
export function revisionOf(entity: object): string | undefined {
  return states.get(entity)?.rev;
}
