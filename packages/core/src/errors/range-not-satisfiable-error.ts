import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 416: an attachment Range cannot be served. */
export class RangeNotSatisfiableError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(416, options.error ?? 'requested_range_not_satisfiable', reason, options);
  }
}
