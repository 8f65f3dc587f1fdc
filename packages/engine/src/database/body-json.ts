import { BadRequestError } from '@settee/core';

/**
 * A body that JSON cannot represent (a BigInt, a cycle, a throwing `toJSON`). It fails the whole request, as
 * unparsable JSON does on CouchDB, rather than becoming one document's error entry.
 */
export class BodyNotJsonError extends BadRequestError {}

/** The stored JSON text of a document body; a body JSON cannot represent is a {@link BodyNotJsonError}. */
export function bodyJsonOf(body: object, id: string | undefined): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BodyNotJsonError(`Document ${id === undefined ? '' : `${id} `}is not JSON: ${detail}`, { cause: error, ...(id === undefined ? {} : { id }) });
  }
}
