import { expect } from 'vitest';
import { SetteeError } from '@settee/core';

/** Any Settee error class (`ConflictError`, `NotFoundError`, ...). */
export type SetteeErrorClass<E extends SetteeError> = abstract new (...args: never[]) => E;

/**
 * Awaits `promise` and asserts that it rejected with an instance of `ErrorClass` carrying CouchDB's exact
 * `status`, `error` and (when given) `reason`. Returns the error for further checks.
 */
export async function expectCouchError<E extends SetteeError>(
  promise: Promise<unknown>,
  ErrorClass: SetteeErrorClass<E>,
  status: number,
  error: string,
  reason?: string,
): Promise<E> {
  let outcome: { resolved: unknown } | { rejected: unknown };
  try {
    outcome = { resolved: await promise };
  } catch (err) {
    outcome = { rejected: err };
  }
  if ('resolved' in outcome) {
    const shown = JSON.stringify(outcome.resolved) ?? String(outcome.resolved);
    throw new Error(`expected ${ErrorClass.name} ${status} ${error}, but the call resolved with ${shown}`);
  }
  const err = outcome.rejected;
  if (!(err instanceof SetteeError)) {
    throw new Error(`expected ${ErrorClass.name} ${status} ${error}, but got a non-Settee error: ${String(err)}`, {
      cause: err,
    });
  }
  // Subclasses of ErrorClass are fine; anything else shows its own class name in the diff.
  const className = err instanceof ErrorClass ? ErrorClass.name : err.constructor.name;
  const actual = { class: className, status: err.status, error: err.error, reason: err.reason };
  const expected = { class: ErrorClass.name, status, error, reason: reason ?? err.reason };
  expect(actual).toStrictEqual(expected);
  return err as E;
}
