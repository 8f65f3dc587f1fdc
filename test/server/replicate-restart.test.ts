// _replicator documents survive a settee-server restart: a continuous one resumes from its checkpoint (it reads
// only what changed while the server was down), a completed one-shot one is not run again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '@settee/core';
import { createHttpAdapter, type HttpServer } from '@settee/http';
import { createServer, type SetteeServer } from '@settee/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, startServer } from './start.js';

function adminUrl(server: { url: string }): string {
  const url = new URL(server.url);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  return url.toString().replace(/\/$/, '');
}

/** Polls `probe` until it returns a value other than undefined (bounded by the test's own timeout). */
async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function docState(client: HttpServer, docId: string): Promise<JsonObject | undefined> {
  return (await client.schedulerDocs({}, '_replicator')).docs.find((entry) => entry.doc_id === docId);
}

let dir: string;
let upstream: Awaited<ReturnType<typeof startServer>>;
let upstreamClient: HttpServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'settee-replicate-restart-'));
  upstream = await startServer();
  upstreamClient = createHttpAdapter({ url: adminUrl(upstream) });
  await upstreamClient.createDb('upstream');
});

afterAll(async () => {
  await upstreamClient.close();
  await upstream.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Promise<SetteeServer> {
  return createServer({ dir, port: 0, host: '127.0.0.1', admin: ADMIN, pbkdf2Iterations: 1000 });
}

it('resumes a continuous document from its checkpoint and leaves a completed one alone', async () => {
  const source = upstreamClient.db('upstream');
  await source.bulkDocs([{ _id: 's1' }, { _id: 's2' }, { _id: 's3' }]);

  const first = await open();
  let client = createHttpAdapter({ url: adminUrl(first) });
  try {
    const replicator = client.db('_replicator');
    await replicator.put({ _id: 'follow', source: `${adminUrl(upstream)}/upstream`, target: 'mirror', create_target: true, continuous: true });
    await replicator.put({ _id: 'once', source: `${adminUrl(upstream)}/upstream`, target: 'once_copy', create_target: true });
    await waitFor(async () => {
      const info = (await docState(client, 'follow'))?.['info'] as JsonObject | undefined;
      const caughtUp = info?.['docs_written'] === 3 && JSON.stringify(info['checkpointed_source_seq']) === JSON.stringify(info['through_seq']);
      return caughtUp ? true : undefined;
    }, 'the first three docs, checkpointed');
    await waitFor(async () => ((await docState(client, 'once'))?.['state'] === 'completed' ? true : undefined), 'the one-shot job');
  } finally {
    await client.close();
    await first.close();
  }

  await source.bulkDocs([{ _id: 's4' }, { _id: 's5' }]);
  const second = await open();
  client = createHttpAdapter({ url: adminUrl(second) });
  try {
    // The finished document is known as completed at once and gets no job.
    expect(await docState(client, 'once')).toMatchObject({ state: 'completed', id: null, info: { docs_written: 3 } });
    expect((await client.schedulerJobs()).jobs.map((job) => job['doc_id'])).not.toContain('once');

    const mirror = client.db('mirror');
    await waitFor(async () => ((await mirror.info()).doc_count === 5 ? true : undefined), 'the docs written while the server was down');
    const info = await waitFor(async () => {
      const state = await docState(client, 'follow');
      return state?.['state'] === 'running' && (state['info'] as JsonObject)['docs_written'] === 2 ? (state['info'] as JsonObject) : undefined;
    }, 'the resumed job\'s counters');
    // Only the two new documents were read: the job started from its checkpoint, not from the beginning.
    expect(info['docs_read']).toBe(2);
    expect((await client.db('once_copy').info()).doc_count).toBe(3);
  } finally {
    await client.close();
    await second.close();
  }
});
