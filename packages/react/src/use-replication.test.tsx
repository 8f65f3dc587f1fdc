// @vitest-environment happy-dom
import { StrictMode, type ReactNode } from 'react';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, replicate, ServiceUnavailableError, type DatabaseAdapter, type ReplicationEvent } from '@settee/core';
import { createEngine } from '@settee/engine';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { useReplication } from './use-replication.js';

let counted: CountedServer;
let source: DatabaseAdapter;
let target: DatabaseAdapter;

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  await counted.server.createDb('phone');
  await counted.server.createDb('backup');
  source = counted.server.db('phone');
  target = counted.server.db('backup');
  for (const id of ['a', 'b', 'c']) await source.put({ _id: id, name: id });
});
afterEach(async () => {
  cleanup();
  await counted.server.close();
});

const strict = ({ children }: { children: ReactNode }) => <StrictMode>{children}</StrictMode>;

describe('useReplication over replicate() between two engine databases', () => {
  it('runs a one-shot replication to completion under StrictMode, with its counters and result', async () => {
    const { result } = renderHook(() => useReplication(() => replicate(source, target), []), { wrapper: strict });
    expect(['starting', 'active']).toContain(result.current.status);
    await waitFor(() => expect(result.current.status).toBe('complete'));
    expect(result.current.progress).toMatchObject({ type: 'progress', docs_written: 3, doc_write_failures: 0 });
    expect(result.current.result).toMatchObject({ ok: true, stats: { docs_written: 3 } });
    expect((await target.info()).doc_count).toBe(3);
  });

  it('follows a continuous replication: paused when caught up, progress after a new write; unmount cancels it', async () => {
    const { result, unmount } = renderHook(() => useReplication(() => replicate(source, target, { continuous: true }), []), { wrapper: strict });
    await waitFor(() => expect(result.current).toMatchObject({ status: 'paused', progress: { docs_written: 3 } }));
    expect(counted.openFeeds()).toBe(1);
    await act(() => source.put({ _id: 'd', name: 'd' }));
    await waitFor(() => expect(result.current.progress?.docs_written).toBe(4));
    await waitFor(() => expect(result.current.status).toBe('paused'));
    unmount();
    // Unsubscribing aborts the session; its feed closes once the session sees the abort.
    await waitFor(() => expect(counted.openFeeds()).toBe(0));
    await source.put({ _id: 'e', name: 'e' });
    expect((await target.info()).doc_count).toBe(4);
  });

  it('shows a replication that cannot start as an error', async () => {
    const { result } = renderHook(() => useReplication(() => replicate(counted.server.db('missing'), target), []));
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error).toBeInstanceOf(NotFoundError);
  });

  it('stays idle without a start function, and starts when one is given', async () => {
    const { result, rerender } = renderHook(({ on }: { on: boolean }) => useReplication(on ? () => replicate(source, target) : undefined, []), {
      initialProps: { on: false },
    });
    expect(result.current).toEqual({ status: 'idle', progress: undefined, result: undefined, last: undefined, events: 0, error: undefined });
    rerender({ on: true });
    await waitFor(() => expect(result.current.status).toBe('complete'));
  });
});

describe('useReplication status of each event', () => {
  it('maps active, an error being retried (and the pause while waiting), checkpoints, caught up and complete', () => {
    const events = new Subject<ReplicationEvent>();
    const { result } = renderHook(() => useReplication(() => events, []));
    act(() => events.next({ type: 'active' }));
    expect(result.current.status).toBe('active');
    const failure = new ServiceUnavailableError('down');
    act(() => events.next({ type: 'error', error: failure, retrying: true, attempt: 1, delayMs: 10 }));
    expect(result.current).toMatchObject({ status: 'retrying', error: failure });
    act(() => events.next({ type: 'paused' }));
    expect(result.current).toMatchObject({ status: 'retrying', error: failure, events: 3 });
    act(() => events.next({ type: 'active' }));
    act(() => events.next({ type: 'checkpoint', seq: '7' }));
    expect(result.current).toMatchObject({ status: 'active', error: undefined });
    act(() => events.next({ type: 'paused' }));
    act(() => events.next({ type: 'checkpoint', seq: '8' }));
    expect(result.current).toMatchObject({ status: 'paused', events: 7, last: { type: 'checkpoint', seq: '8' } });
    act(() => events.complete());
    expect(result.current.status).toBe('complete');
  });
});
