import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 400: the request was malformed (`bad_request`, `illegal_database_name`, `illegal_docid`, `doc_validation`, `invalid_operator`, ...). */
export class BadRequestError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(400, options.error ?? 'bad_request', reason, options);
  }
}
