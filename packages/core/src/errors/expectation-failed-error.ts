import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 417: a bulk request could not be honoured as asked (`all_or_nothing`). */
export class ExpectationFailedError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(417, options.error ?? 'expectation_failed', reason, options);
  }
}
