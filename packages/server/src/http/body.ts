import { gunzipSync } from 'node:zlib';
import { BadRequestError, RequestEntityTooLargeError, SetteeError, UnsupportedMediaTypeError } from '@settee/core';
import type { RequestContext } from './context.js';

const TOO_LARGE = 'the request entity is too large';

/**
 * Reads the whole request body, refusing it with 413 as soon as it exceeds the server's limit (by Content-Length
 * before reading anything, or while streaming when the length is not announced).
 */
export async function readBody(ctx: RequestContext): Promise<Buffer> {
  const start = performance.now();
  const raw = await readRawBody(ctx);
  // CouchDB reports the milliseconds it spent receiving the body on every answer (chttpd's body time).
  if (!ctx.res.headersSent) ctx.res.setHeader('X-CouchDB-Body-Time', String(Math.round(performance.now() - start)));
  return decoded(ctx, raw);
}

/**
 * The body as sent, less its `Content-Encoding`: gzip is unzipped (to at most the body limit), identity kept, any
 * other refused with CouchDB's 415 (couch_httpd maybe_decompress).
 */
function decoded(ctx: RequestContext, body: Buffer): Buffer {
  const encoding = (ctx.req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') throw new SetteeError(415, 'bad_content_type', 'Only gzip and identity content-encodings are supported');
  try {
    return gunzipSync(body, { maxOutputLength: ctx.state.maxBodyBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new RequestEntityTooLargeError(TOO_LARGE);
    throw new BadRequestError('The request body is not valid gzip.');
  }
}

function readRawBody(ctx: RequestContext): Promise<Buffer> {
  const { req } = ctx;
  const limit = ctx.state.maxBodyBytes;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new RequestEntityTooLargeError(TOO_LARGE));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new RequestEntityTooLargeError(TOO_LARGE));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
      failed = true;
    });
    // A client that hangs up mid-body must not leave this promise (and its chunks) pending.
    req.once('close', () => {
      if (failed || req.complete) return;
      failed = true;
      chunks.length = 0;
      reject(new BadRequestError('The request body ended early.'));
    });
  });
}

/** The media type of the request without parameters, lower case ('' when absent). */
export function mediaType(ctx: RequestContext): string {
  const type = ctx.req.headers['content-type'];
  if (type === undefined) return '';
  const semi = type.indexOf(';');
  return (semi < 0 ? type : type.slice(0, semi)).trim().toLowerCase();
}

/** CouchDB's 415 for endpoints that only take JSON. */
export function requireJsonType(ctx: RequestContext): void {
  if (mediaType(ctx) !== 'application/json') {
    throw new UnsupportedMediaTypeError('Content-Type must be application/json');
  }
}

/** Parses JSON text the way CouchDB reports bad input. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError('invalid UTF-8 JSON');
  }
}

/** The body as JSON (no Content-Type check); an empty body is refused like CouchDB's parser does. */
export async function readJson(ctx: RequestContext): Promise<unknown> {
  const body = await readBody(ctx);
  return parseJson(body.toString('utf8'));
}

/** The body as JSON, for endpoints that demand `Content-Type: application/json`. */
export async function readJsonTyped(ctx: RequestContext): Promise<unknown> {
  requireJsonType(ctx);
  return readJson(ctx);
}

/** The body as a JSON object, for endpoints that demand `Content-Type: application/json` and an object. */
export async function readJsonObject(ctx: RequestContext): Promise<Record<string, unknown>> {
  const body = await readJsonTyped(ctx);
  if (!isObject(body)) throw new BadRequestError('Request body must be a JSON object');
  return body;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
