import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '@settee/core';
import { asError } from './live-state.js';

/**
 * Why a mutation did not happen, as a value to switch on rather than an exception to catch:
 * - `conflict`: someone else wrote first (a `RevisionConflictError` from the repository, or CouchDB's 409);
 * - `invalid`: the model's schema refused the data, nothing was sent (`error.issues` says where);
 * - `not-found`: the document to update or delete is missing or deleted;
 * - `denied`: the server refused (401, or 403 from authorization or `validate_doc_update`);
 * - `failed`: anything else (network, server error, a bug in the mutation function).
 */
export type MutationFailure =
  | { readonly ok: false; readonly kind: 'conflict'; readonly error: ConflictError }
  | { readonly ok: false; readonly kind: 'invalid'; readonly error: ValidationError }
  | { readonly ok: false; readonly kind: 'not-found'; readonly error: NotFoundError }
  | { readonly ok: false; readonly kind: 'denied'; readonly error: ForbiddenError | UnauthorizedError }
  | { readonly ok: false; readonly kind: 'failed'; readonly error: Error };

/** The result of one mutation: `{ ok: true, data }`, or a typed {@link MutationFailure}. */
export type MutationOutcome<R> = { readonly ok: true; readonly data: R } | MutationFailure;

/** Sorts a rejection into its {@link MutationFailure}. */
export function failureOf(error: unknown): MutationFailure {
  if (error instanceof ConflictError) return { ok: false, kind: 'conflict', error };
  if (error instanceof ValidationError) return { ok: false, kind: 'invalid', error };
  if (error instanceof NotFoundError) return { ok: false, kind: 'not-found', error };
  if (error instanceof ForbiddenError || error instanceof UnauthorizedError) return { ok: false, kind: 'denied', error };
  return { ok: false, kind: 'failed', error: asError(error) };
}

/** Runs `action` and settles with its outcome: never rejects. */
export async function outcomeOf<R>(action: () => Promise<R>): Promise<MutationOutcome<R>> {
  try {
    return { ok: true, data: await action() };
  } catch (error) {
    return failureOf(error);
  }
}
