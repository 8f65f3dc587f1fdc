import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 403: authenticated but not allowed, or rejected by `validate_doc_update` (`forbidden`). */
export class ForbiddenError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(403, options.error ?? 'forbidden', reason, options);
  }
}
