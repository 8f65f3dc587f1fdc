import type { Attachment, AttachmentStub, Document, DocumentInput } from '../adapter/index.js';
import type { JsonObject } from '../json.js';
import type { Doc } from './doc.js';
import { trackEntity } from './entity-state.js';
import type { ModelDefinition } from './model-definition.js';
import { validateFields } from './validate-fields.js';

/**
 * Converts between entities and stored documents for one model: validated bodies with the type discriminator on
 * the way in, validated class instances (tracked at their revision) on the way out.
 */
export class ModelCodec<M extends Doc> {
  constructor(readonly definition: ModelDefinition<M>) {}

  /** The data members of an entity or input: own enumerable members not starting with `_`. */
  dataOf(source: object): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      if (!key.startsWith('_')) data[key] = value;
    }
    return data;
  }

  /** Validates `data` for writing and returns the stored fields (no discriminator). */
  validate(data: Readonly<Record<string, unknown>>, id: string | undefined): JsonObject {
    return validateFields(this.definition, data, { id, phase: 'write' });
  }

  /** The stored body for validated fields: the discriminator first, then the fields. */
  body(fields: JsonObject): JsonObject {
    const { discriminator, type } = this.definition;
    return discriminator === undefined ? { ...fields } : { [discriminator]: type, ...fields };
  }

  /** A new, untracked instance of the model holding `fields` (its constructor is not called). */
  instantiate(id: string | undefined, fields: Readonly<Record<string, unknown>>): M {
    const entity = Object.create(this.definition.ctor.prototype) as M;
    if (id !== undefined) entity._id = id;
    return Object.assign(entity, fields);
  }

  /** True when a stored document belongs to this model (by its discriminator; design documents never do). */
  owns(doc: Readonly<Record<string, unknown>>): boolean {
    const { discriminator, type } = this.definition;
    if (discriminator !== undefined) return doc[discriminator] === type;
    return !(typeof doc['_id'] === 'string' && doc['_id'].startsWith('_design/'));
  }

  /** A stored document as a validated, tracked instance of the model. Call only for documents it {@link owns}. */
  hydrate(doc: Document): M {
    const data = this.dataOf(doc);
    const { discriminator } = this.definition;
    if (discriminator !== undefined) delete data[discriminator];
    const fields = validateFields(this.definition, data, { id: doc._id, phase: 'read' });
    const entity = this.instantiate(doc._id, fields);
    trackEntity(entity, { rev: doc._rev, attachments: stubsOf(doc._attachments), deleted: doc._deleted === true });
    return entity;
  }

  /** A tombstone for `id` at `rev`; it keeps the discriminator, so that type-filtered feeds see the deletion. */
  tombstone(id: string, rev: string): DocumentInput & { _id: string } {
    const { discriminator, type } = this.definition;
    return { _id: id, _rev: rev, _deleted: true, ...(discriminator === undefined ? {} : { [discriminator]: type }) };
  }
}

/** The stubs among a document's attachments (reads without `attachments=true` only return stubs). */
export function stubsOf(attachments: Readonly<Record<string, Attachment>> | undefined): Record<string, AttachmentStub> {
  const stubs: Record<string, AttachmentStub> = {};
  for (const [name, attachment] of Object.entries(attachments ?? {})) {
    if ('stub' in attachment) stubs[name] = attachment;
  }
  return stubs;
}
