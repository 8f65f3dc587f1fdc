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
    return isObject(body) ? { name: body['name'], password: body['password'] } : { name: undefined, password: undefined };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    return { name: form.get('name') ?? undefined, password: form.get('password') ?? undefined };
  }
  throw new UnsupportedMediaTypeError("Content-Type must be 'application/x-www-form-urlencoded' or 'application/json'");
}

/**
 * `/_session`: `POST` logs in (cookie), `GET` says who is logged in, `DELETE` logs out by sending an empty cookie,
 * exactly as CouchDB's seed 002 flows expect.
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
    ctx.setCookie = sessionCookieHeader('');
    sendJson(ctx, 200, { ok: true });
    return;
  }
  if (ctx.method !== 'POST') throw methodNotAllowed('GET,HEAD,POST,DELETE');
  const { name, password } = await credentials(ctx);
  if (typeof name !== 'string' || name === '') throw new BadRequestError('request body must contain a username');
  const user = typeof password === 'string' ? await checkPassword(ctx.state, name, password, ctx.req.socket.remoteAddress ?? '') : undefined;
  const salt = user === undefined ? undefined : await userSalt(ctx.state, name);
  if (user === undefined || salt === undefined) {
    ctx.setCookie = sessionCookieHeader('');
    throw new UnauthorizedError('Name or password is incorrect.');
  }
  ctx.setCookie = sessionCookieHeader(makeSessionToken(name, salt.salt, ctx.state.secret));
  const next = parseQuery(ctx.rawQuery)['next'];
  const body = { ok: true, name: user.name, roles: user.roles };
  if (typeof next === 'string' && next.startsWith('/')) {
    sendJson(ctx, 302, body, { Location: baseUrl(ctx) + next });
    return;
  }
  sendJson(ctx, 200, body);
}
