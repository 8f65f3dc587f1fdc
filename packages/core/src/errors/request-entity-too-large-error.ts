import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 413: the request body or document is larger than the server accepts (`too_large`). */
export class RequestEntityTooLargeError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(413, options.error ?? 'too_large', reason, options);
  }
}
