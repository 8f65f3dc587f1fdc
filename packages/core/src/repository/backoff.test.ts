import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

/** The largest of many draws, to see the ceiling a delay stays under. */
function largest(draw: () => number, times = 2000): number {
  let max = 0;
  for (let i = 0; i < times; i++) max = Math.max(max, draw());
  return max;
}

describe('backoffDelay', () => {
  it('is random below a ceiling that doubles with each attempt', () => {
    const first = largest(() => backoffDelay(0, { baseMs: 10, maxMs: 1000 }));
    const third = largest(() => backoffDelay(2, { baseMs: 10, maxMs: 1000 }));
    expect(first).toBeLessThan(10);
    expect(first).toBeGreaterThan(8);
    expect(third).toBeLessThan(40);
    expect(third).toBeGreaterThan(32);
    expect(backoffDelay(0, { baseMs: 10 })).toBeGreaterThanOrEqual(0);
  });

  it('never exceeds maxMs, however many attempts', () => {
    expect(largest(() => backoffDelay(500, { baseMs: 10, maxMs: 50 }))).toBeLessThan(50);
  });

  it('scales its default base with the duration of the failed attempt', () => {
    expect(largest(() => backoffDelay(0, {}, 0))).toBeLessThan(4);
    const slow = largest(() => backoffDelay(0, {}, 30));
    expect(slow).toBeGreaterThan(20);
    expect(slow).toBeLessThan(30);
    expect(largest(() => backoffDelay(30, {}, 30))).toBeLessThan(600);
  });
});
