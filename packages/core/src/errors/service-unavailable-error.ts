import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 503: the server or database is temporarily unavailable. */
export class ServiceUnavailableError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(503, options.error ?? 'service_unavailable', reason, options);
  }
}
