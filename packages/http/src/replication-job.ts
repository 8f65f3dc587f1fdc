import { Observable } from 'rxjs';
import { NotFoundError, type WriteResult } from '@settee/core';
import { sleep } from './backoff.js';
import type { ReplicationDocState, ReplicationRequest } from './extras-types.js';
import type { HttpClient } from './http-client.js';
import { encodeDocId } from './url.js';

const TERMINAL = new Set(['completed', 'failed']);

/**
 * A server-side replication as an Observable of its state: subscribing writes the `_replicator` document `id`,
 * then polls `_scheduler/docs/_replicator/{id}` and emits each state change (`initializing`, `running`,
 * `completed`, `error`, `crashing`, `failed`...) until a terminal one. Unsubscribing before the end cancels the
 * replication by deleting its document.
 */
export function replicationJob(
  client: HttpClient,
  id: string,
  request: ReplicationRequest,
  pollInterval: number,
): Observable<ReplicationDocState> {
  return new Observable<ReplicationDocState>((subscriber) => {
    const controller = new AbortController();
    const { signal } = controller;
    const docPath = `_replicator/${encodeDocId(id)}`;
    let finished = false;

    const run = async (): Promise<void> => {
      await client.json<WriteResult>({ method: 'PUT', path: docPath, json: request, signal });
      let last = '';
      while (!signal.aborted) {
        let state: ReplicationDocState | undefined;
        try {
          state = await client.json<ReplicationDocState>({ method: 'GET', path: `_scheduler/docs/${docPath}`, signal });
        } catch (error) {
          // The scheduler has not picked the document up yet.
          if (!(error instanceof NotFoundError)) throw error;
        }
        if (state !== undefined) {
          const key = `${state.state}:${JSON.stringify(state['info'] ?? null)}`;
          if (key !== last) {
            last = key;
            subscriber.next(state);
          }
          if (TERMINAL.has(state.state)) {
            finished = true;
            return;
          }
        }
        await sleep(pollInterval, signal);
      }
    };

    run().then(
      () => subscriber.complete(),
      (error: unknown) => {
        if (!signal.aborted) subscriber.error(error);
      },
    );

    return () => {
      controller.abort();
      if (finished) return;
      // Cancel: a replication stops when its document goes away.
      void (async () => {
        const doc = await client.json<{ _rev: string }>({ method: 'GET', path: docPath });
        await client.json({ method: 'DELETE', path: docPath, query: { rev: doc._rev } });
      })().catch(() => undefined);
    };
  });
}
