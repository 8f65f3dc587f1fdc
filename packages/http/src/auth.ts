import type { HttpAuth } from './options.js';

/** Adds credentials to requests and renews them; one per adapter. */
export interface Authenticator {
  /** Headers for the next request (may log in first). */
  headers(): Record<string, string> | Promise<Record<string, string>>;
  /** After a 401: renews the credentials once; `true` when the request should be sent again. */
  renew(): Promise<boolean>;
  /** Sees every response, to pick up cookies the server refreshes. */
  observe(headers: Headers): void;
  /** Ends the session, if there is one. */
  close(): Promise<void>;
}

/** What a session authenticator needs from the transport: an unauthenticated request to `/_session`. */
export type SessionRequest = (
  method: 'POST' | 'DELETE',
  body: { name: string; password: string } | undefined,
  cookie: string | undefined,
) => Promise<{ status: number; headers: Headers; body: unknown }>;

/** Base64 of the UTF-8 bytes of `text`, without Node's Buffer (the adapter also runs in browsers). */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `Authorization: Basic ...` for these credentials. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${base64Utf8(`${username}:${password}`)}`;
}

const AUTH_SESSION = /(?:^|[\s,;])AuthSession=([^;,\s]*)/;

/** The `AuthSession` cookie value in a response's Set-Cookie headers: a string (empty after logout) or undefined. */
export function authSessionCookie(headers: Headers): string | undefined {
  const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [headers.get('set-cookie') ?? ''];
  for (const line of all) {
    const match = AUTH_SESSION.exec(line);
    if (match) return match[1] ?? '';
  }
  return undefined;
}

const noAuth: Authenticator = {
  headers: () => ({}),
  renew: async () => false,
  observe: () => {},
  close: async () => {},
};

function staticAuth(value: string): Authenticator {
  const headers = { authorization: value };
  return { ...noAuth, headers: () => headers };
}

function jwtAuth(token: string | (() => string | Promise<string>)): Authenticator {
  if (typeof token === 'string') return staticAuth(`Bearer ${token}`);
  return { ...noAuth, headers: async () => ({ authorization: `Bearer ${await token()}` }) };
}

/** Thrown by a failed `/_session` login; carries CouchDB's answer, never the password. */
export type LoginFailure = (status: number, body: unknown) => Error;

class SessionAuth implements Authenticator {
  #cookie: string | undefined;
  #login: Promise<void> | undefined;
  readonly #name: string;
  readonly #password: string;
  readonly #request: SessionRequest;
  readonly #failure: LoginFailure;

  constructor(name: string, password: string, request: SessionRequest, failure: LoginFailure) {
    this.#name = name;
    this.#password = password;
    this.#request = request;
    this.#failure = failure;
  }

  async headers(): Promise<Record<string, string>> {
    if (this.#cookie === undefined) await this.#logIn();
    return this.#cookie ? { cookie: `AuthSession=${this.#cookie}` } : {};
  }

  async renew(): Promise<boolean> {
    this.#cookie = undefined;
    await this.#logIn();
    return true;
  }

  observe(headers: Headers): void {
    const refreshed = authSessionCookie(headers);
    if (refreshed) this.#cookie = refreshed;
  }

  async close(): Promise<void> {
    const cookie = this.#cookie;
    this.#cookie = undefined;
    if (cookie) await this.#request('DELETE', undefined, `AuthSession=${cookie}`).catch(() => undefined);
  }

  /** Concurrent requests share one login. */
  #logIn(): Promise<void> {
    this.#login ??= (async () => {
      try {
        const answer = await this.#request('POST', { name: this.#name, password: this.#password }, undefined);
        if (answer.status < 200 || answer.status >= 300) throw this.#failure(answer.status, answer.body);
        // In browsers Set-Cookie is unreadable; the cookie jar (credentials: 'include') then carries the session.
        this.#cookie = authSessionCookie(answer.headers) ?? '';
      } finally {
        this.#login = undefined;
      }
    })();
    return this.#login;
  }
}

/** Picks the authenticator for the options; URL user info means basic auth unless `auth` chooses otherwise. */
export function createAuthenticator(
  auth: HttpAuth | undefined,
  urlCredentials: { username: string; password: string } | undefined,
  request: SessionRequest,
  failure: LoginFailure,
): Authenticator {
  if (auth === undefined) {
    return urlCredentials ? staticAuth(basicAuthorization(urlCredentials.username, urlCredentials.password)) : noAuth;
  }
  switch (auth.type) {
    case 'basic':
      return staticAuth(basicAuthorization(auth.username, auth.password));
    case 'jwt':
      return jwtAuth(auth.token);
    case 'session': {
      const name = auth.username ?? urlCredentials?.username;
      const password = auth.password ?? urlCredentials?.password;
      if (name === undefined || password === undefined) {
        throw new TypeError('@settee/http: session auth needs a username and password (in `auth` or the URL)');
      }
      return new SessionAuth(name, password, request, failure);
    }
  }
}
