import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { liveQuery } from './live-query.js';

/** A query whose runs the test resolves by hand. */
function manualQuery() {
  const pending: Array<(value: number) => void> = [];
  let runs = 0;
  return {
    query: () => new Promise<number>((resolve) => {
      runs += 1;
      pending.push(resolve);
    }),
    finish(value: number) {
      pending.shift()?.(value);
    },
    get runs() {
      return runs;
    },
    get waiting() {
      return pending.length;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('liveQuery', () => {
  it('runs at once, and again after a signal', async () => {
    const q = manualQuery();
    const signals = new Subject<void>();
    const seen: number[] = [];
    const sub = liveQuery(q.query, signals).subscribe((v) => seen.push(v));
    q.finish(1);
    await tick();
    signals.next();
    q.finish(2);
    await tick();
    expect(seen).toEqual([1, 2]);
    sub.unsubscribe();
  });

  it('collapses signals during a run into one more run, never overlapping', async () => {
    const q = manualQuery();
    const signals = new Subject<void>();
    const seen: number[] = [];
    const sub = liveQuery(q.query, signals).subscribe((v) => seen.push(v));
    for (let i = 0; i < 100; i++) signals.next();
    expect(q.runs).toBe(1);
    q.finish(1);
    await tick();
    expect(q.runs).toBe(2);
    expect(q.waiting).toBe(1);
    q.finish(2);
    await tick();
    expect(q.runs).toBe(2);
    expect(seen).toEqual([1, 2]);
    sub.unsubscribe();
  });

  it('drops a result still in flight after unsubscribing, and stops listening', async () => {
    const q = manualQuery();
    const signals = new Subject<void>();
    const seen: number[] = [];
    const sub = liveQuery(q.query, signals).subscribe((v) => seen.push(v));
    sub.unsubscribe();
    q.finish(1);
    await tick();
    expect(seen).toEqual([]);
    expect(signals.observed).toBe(false);
  });

  it('passes a failed query on as the stream error', async () => {
    const signals = new Subject<void>();
    const error = await new Promise((resolve) => {
      liveQuery(() => Promise.reject(new Error('boom')), signals).subscribe({ error: resolve });
    });
    expect(error).toEqual(new Error('boom'));
    expect(signals.observed).toBe(false);
  });
});
