import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 401: no or wrong credentials (`unauthorized`). */
export class UnauthorizedError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(401, options.error ?? 'unauthorized', reason, options);
  }
}
