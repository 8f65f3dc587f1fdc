import { BadRequestError } from './bad-request-error.js';
import { ConflictError } from './conflict-error.js';
import { ExpectationFailedError } from './expectation-failed-error.js';
import { ForbiddenError } from './forbidden-error.js';
import { InternalServerError } from './internal-server-error.js';
import { MethodNotAllowedError } from './method-not-allowed-error.js';
import { NotAcceptableError } from './not-acceptable-error.js';
import { NotFoundError } from './not-found-error.js';
import { PreconditionFailedError } from './precondition-failed-error.js';
import { RangeNotSatisfiableError } from './range-not-satisfiable-error.js';
import { RequestEntityTooLargeError } from './request-entity-too-large-error.js';
import { ServiceUnavailableError } from './service-unavailable-error.js';
import { SetteeError, type SetteeErrorOptions } from './settee-error.js';
import { UnauthorizedError } from './unauthorized-error.js';
import { UnsupportedMediaTypeError } from './unsupported-media-type-error.js';

type ErrorClass = new (reason: string, options?: SetteeErrorOptions) => SetteeError;

const BY_STATUS: Readonly<Record<number, ErrorClass>> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  406: NotAcceptableError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: RequestEntityTooLargeError,
  415: UnsupportedMediaTypeError,
  416: RangeNotSatisfiableError,
  417: ExpectationFailedError,
  500: InternalServerError,
  503: ServiceUnavailableError,
};

/** Statuses CouchDB reports inside 2xx bodies (bulk results) by error name rather than by HTTP status. */
const STATUS_BY_ERROR_NAME: Readonly<Record<string, number>> = {
  bad_request: 400,
  illegal_docid: 400,
  doc_validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  file_exists: 412,
  missing_stub: 412,
  not_implemented: 417,
};

/**
 * Builds the typed error for a CouchDB error body. `status` may be omitted for per-document errors inside bulk
 * results, where only the error name is known.
 */
export function errorFromCouch(
  body: { error: string; reason?: string | undefined; id?: string | undefined },
  status?: number,
  cause?: unknown,
): SetteeError {
  const code = status ?? STATUS_BY_ERROR_NAME[body.error] ?? 500;
  const ErrorType = BY_STATUS[code];
  const options: SetteeErrorOptions = { error: body.error, cause, ...(body.id === undefined ? {} : { id: body.id }) };
  const reason = body.reason ?? body.error;
  return ErrorType ? new ErrorType(reason, options) : new SetteeError(code, body.error, reason, options);
}
