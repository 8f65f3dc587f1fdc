import { SetteeError, type SetteeErrorOptions } from './settee-error.js';

/** HTTP 409: the revision given is not the current leaf (`conflict`, "Document update conflict."). */
export class ConflictError extends SetteeError {
  constructor(reason: string, options: SetteeErrorOptions = {}) {
    super(409, options.error ?? 'conflict', reason, options);
  }
}
