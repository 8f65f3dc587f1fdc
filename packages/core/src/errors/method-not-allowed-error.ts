import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 405: the endpoint does not accept this method (`method_not_allowed`). */
export class MethodNotAllowedError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(405, options.error ?? 'method_not_allowed', reason, options);
  }
}
