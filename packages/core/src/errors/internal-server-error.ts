import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 500: the server failed (`unknown_error`, `badarith`, ...). */
export class InternalServerError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(500, options.error ?? 'unknown_error', reason, options);
  }
}
