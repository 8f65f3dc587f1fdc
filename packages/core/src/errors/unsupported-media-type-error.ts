import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 415: the request body has the wrong Content-Type (`bad_content_type`). */
export class UnsupportedMediaTypeError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(415, options.error ?? 'bad_content_type', reason, options);
  }
}
