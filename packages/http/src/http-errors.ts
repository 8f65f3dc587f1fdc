import { SetteeError } from '@settee/core';

/**
 * The server answered something that is not the JSON CouchDB sends: an HTML error page from a proxy, a body cut
 * off midway, invalid JSON. `status` is the HTTP status of that answer (502 when none arrived complete).
 */
export class InvalidResponseError extends SetteeError {
  constructor(reason: string, status = 502, options: { cause?: unknown } = {}) {
    super(status, 'invalid_response', reason, options);
  }
}

/** The connection failed (refused, reset, DNS) before an answer arrived. Idempotent requests were retried first. */
export class NetworkError extends SetteeError {
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(503, 'network_error', reason, options);
  }
}

/** No answer within the adapter's `timeout`. */
export class RequestTimeoutError extends SetteeError {
  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(408, 'timeout', reason, options);
  }
}

/** The server does not speak the feed format asked for (e.g. it answers `feed=eventsource` with plain JSON). */
export class UnsupportedFeedError extends SetteeError {
  constructor(reason: string) {
    super(501, 'unsupported_feed', reason);
  }
}
