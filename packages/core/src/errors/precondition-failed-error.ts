import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 412: a precondition failed (`file_exists` when a database exists, `missing_stub`, ...). */
export class PreconditionFailedError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(412, options.error ?? 'precondition_failed', reason, options);
  }
}
