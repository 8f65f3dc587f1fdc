import { MangoSelectorError, parseField as parseFieldStrictly } from '@settee/core';
import { invalidFieldName } from './mango-errors.js';

/**
 * Core's field-path parser, answering an empty segment ("a..b") the way a CouchDB server does (500
 * `unknown_error`) instead of core's clearer client-side 400, so the engine and a server agree.
 */
export function parseField(field: string): string[] {
  try {
    return parseFieldStrictly(field);
  } catch (error) {
    if (error instanceof MangoSelectorError && error.error === 'invalid_field_name') throw invalidFieldName(field);
    throw error;
  }
}
