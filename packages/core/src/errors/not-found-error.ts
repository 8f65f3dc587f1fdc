import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 404: the database, document, revision or attachment does not exist (`not_found`; reason `missing`, `deleted`, ...). */
export class NotFoundError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(404, options.error ?? 'not_found', reason, options);
  }
}
