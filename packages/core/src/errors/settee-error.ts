import { redactCredentials } from '../redact.js';

/** The fields every Settee error carries, as CouchDB sends them in an error body. */
export interface ErrorDetails {
  /** CouchDB's error name, e.g. `conflict`, `not_found`, `illegal_database_name`. */
  readonly error: string;
  /** CouchDB's human-readable reason, e.g. `Document update conflict.`. */
  readonly reason: string;
  /** The HTTP status CouchDB answers with. */
  readonly status: number;
}

/** Options accepted by every error constructor. */
export interface SetteeErrorOptions {
  /** Overrides the class's default CouchDB error name. */
  error?: string;
  /** The lower-level error or value that caused this one. */
  cause?: unknown;
  /** The document id the error is about, when there is one. */
  id?: string;
}

/**
 * Base class of every error Settee throws. Subclasses map one CouchDB status each, so
 * `err instanceof ConflictError` or `err.status === 409` both work; `err.error` keeps CouchDB's exact error
 * name. Messages never contain credentials: URLs with user info are redacted.
 */
export class SetteeError extends Error implements ErrorDetails {
  readonly status: number;
  readonly error: string;
  readonly reason: string;
  readonly id: string | undefined;

  constructor(status: number, error: string, reason: string, options: Omit<SetteeErrorOptions, 'error'> = {}) {
    const safeReason = redactCredentials(reason);
    super(`${error}: ${safeReason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.error = error;
    this.reason = safeReason;
    this.id = options.id;
  }

  /** CouchDB's JSON error body for this error. */
  toJSON(): { error: string; reason: string } {
    return { error: this.error, reason: this.reason };
  }
}

/** True when `value` is any Settee error. */
export function isSetteeError(value: unknown): value is SetteeError {
  return value instanceof SetteeError;
}
