/**
 * How a new entity gets its id:
 * - `'uuid'` (default): the server assigns a UUID, as CouchDB's `POST /{db}` does (sequential UUIDs on CouchDB
 *   and on the engine, which keep the id index compact);
 * - a function of the validated entity, for ids derived from fields: `(p: Playlist) => \`playlist:${p.owner}:${p.name}\``.
 *   Annotate its parameter with the model class; `@model` checks it belongs to the class it decorates.
 */
export type IdStrategy<M> = 'uuid' | ((entity: M) => string);
