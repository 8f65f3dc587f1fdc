import { BadRequestError, UnauthorizedError, UnsupportedMediaTypeError } from '@settee/core';
import { checkPassword, userSalt, type AuthMethod } from '../auth/authenticate.js';
import { makeSessionToken, sessionCookieHeader } from '../auth/session-cookie.js';
import { isObject, mediaType, parseJson, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { baseUrl, isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { sendJson } from '../http/respond.js';

const HANDLERS = ['cookie', 'default'];

/** Name and password from a JSON or form-encoded login body. */
async function credentials(ctx: RequestContext): Promise<{ name: unknown; password: unknown }> {
  const type = mediaType(ctx);
  const text = (await readBody(ctx)).toString('utf8');
  if (type === 'application/json') {
    const body = parseJson(text);
    if (!isObject(body)) return { name: undefined, password: undefined };
    return { name: userNameOf(body['name'], body['username']), password: body['password'] };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    return { name: userNameOf(form.get('name') ?? undefined, form.get('username') ?? undefined), password: form.get('password') ?? undefined };
  }
  throw new UnsupportedMediaTypeError("Content-Type must be 'application/x-www-form-urlencoded' or 'application/json'");
}

/** The login name: CouchDB takes `name`, or `username` as some clients send it, but refuses two different ones. */
function userNameOf(name: unknown, username: unknown): unknown {
  if (username === undefined || username === name) return name;
  if (name === undefined) return username;
  throw new BadRequestError('request body contains different usernames');
}

/**
 * `Location` of a `?next=` or `?fail=` redirect: a path on this server, as CouchDB's absolute_uri demands (so a
 * login can never redirect a browser to another site). Undefined when the parameter is absent.
 */
function redirectTo(ctx: RequestContext, parameter: 'next' | 'fail'): string | undefined {
  const target = parseQuery(ctx.rawQuery)[parameter];
  if (typeof target !== 'string') return undefined;
  if (!target.startsWith('/')) throw new BadRequestError('path must begin with a /.');
  return baseUrl(ctx) + target;
}

/** Answers 200, or 302 to `location` when the client asked to be sent somewhere. */
function answer(ctx: RequestContext, status: number, body: unknown, location: string | undefined): void {
  if (location === undefined) sendJson(ctx, status, body);
  else sendJson(ctx, 302, body, { Location: location });
}

/**
 * `/_session`: `POST` logs in (cookie), `GET` says who is logged in, `DELETE` logs out by sending an empty cookie,
 * exactly as CouchDB's seed 002 flows expect. `?next=` redirects after a login or logout, `?fail=` after a failed
 * login.
 */
export async function session(ctx: RequestContext, method: AuthMethod): Promise<void> {
  if (isRead(ctx)) {
    const query = parseQuery(ctx.rawQuery);
    if ((query['basic'] === true || query['basic'] === 'true') && ctx.user.name === null && !ctx.user.roles.includes('_admin')) {
      throw new UnauthorizedError('Please login.');
    }
    sendJson(ctx, 200, {
      ok: true,
      userCtx: { name: ctx.user.name, roles: ctx.user.roles },
      info: { authentication_handlers: HANDLERS, ...(method === undefined ? {} : { authenticated: method }) },
    });
    return;
  }
  if (ctx.method === 'DELETE') {
    const location = redirectTo(ctx, 'next');
    ctx.setCookie = sessionCookieHeader('');
    answer(ctx, 200, { ok: true }, location);
    return;
  }
  if (ctx.method !== 'POST') throw methodNotAllowed('GET,HEAD,POST,DELETE');
  const { name, password } = await credentials(ctx);
  if (typeof name !== 'string') throw new BadRequestError('request body must contain a username');
  const user = typeof password === 'string' ? await checkPassword(ctx.state, name, password, ctx.req.socket.remoteAddress ?? '') : undefined;
  const salt = user === undefined ? undefined : await userSalt(ctx.state, name);
  if (user === undefined || salt === undefined) {
    const location = redirectTo(ctx, 'fail');
    ctx.setCookie = sessionCookieHeader('');
    if (location === undefined) throw new UnauthorizedError('Name or password is incorrect.');
    answer(ctx, 302, { error: 'unauthorized', reason: 'Name or password is incorrect.' }, location);
    return;
  }
  const location = redirectTo(ctx, 'next');
  ctx.setCookie = sessionCookieHeader(makeSessionToken(name, salt.salt, ctx.state.secret));
  answer(ctx, 200, { ok: true, name: user.name, roles: user.roles }, location);
}
