import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 406: the server cannot answer in the requested content type (`not_acceptable`). */
export class NotAcceptableError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(406, options.error ?? 'not_acceptable', reason, options);
  }
}
