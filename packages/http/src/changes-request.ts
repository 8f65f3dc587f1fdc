import type { ChangesOptions, LiveChangesOptions } from '@settee/core';
import type { RequestSpec } from './http-client.js';
import { joinPath, type Query } from './url.js';

type FeedOptions = (ChangesOptions | LiveChangesOptions) & {
  feed?: 'normal' | 'longpoll' | 'continuous' | 'eventsource';
  heartbeat?: number;
};

/**
 * The `_changes` request for these options. `doc_ids`, `selector` and `fields` go in a POST body (long id lists do not fit a
 * URL); everything else is a query parameter, `query_params` merged in for design-document filters.
 */
export function changesRequest(dbPath: string, options: FeedOptions): RequestSpec {
  const { doc_ids, selector, fields, query_params, ...rest } = options as FeedOptions & {
    doc_ids?: string[];
    selector?: unknown;
    fields?: unknown;
    query_params?: Record<string, string>;
  };
  const query: Record<string, Query[string]> = { ...query_params };
  for (const [name, value] of Object.entries(rest)) {
    if (value !== undefined) query[name] = value as Query[string];
  }
  const body: Record<string, unknown> = {};
  if (doc_ids !== undefined) body['doc_ids'] = doc_ids;
  if (selector !== undefined) body['selector'] = selector;
  if (fields !== undefined) body['fields'] = fields;
  // A `_selector` feed always posts: CouchDB reads the selector from a POST body only, and answers a GET differently.
  const post = Object.keys(body).length > 0 || rest.filter === '_selector';
  return {
    method: post ? 'POST' : 'GET',
    path: joinPath(dbPath, '_changes'),
    query,
    ...(post ? { json: body } : {}),
    // Reading the feed changes nothing, so a POST is as safe to repeat as a GET.
    idempotent: true,
    ...(options.feed === 'longpoll' || options.feed === 'continuous' || options.feed === 'eventsource' ? { timeout: false as const } : {}),
  };
}
