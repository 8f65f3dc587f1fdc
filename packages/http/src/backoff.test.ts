import { describe, expect, it } from 'vitest';
import { isRetryableStatus, jitteredDelay, sleep } from './backoff.js';

describe('jitteredDelay', () => {
  it('draws below base * 2^attempt, capped at max', () => {
    expect(jitteredDelay(0, 100, 10_000, () => 0.999)).toBe(99);
    expect(jitteredDelay(3, 100, 10_000, () => 0.5)).toBe(400);
    expect(jitteredDelay(20, 100, 10_000, () => 0.999)).toBe(9990);
    expect(jitteredDelay(5, 100, 10_000, () => 0)).toBe(0);
  });

  it('spreads delays (full jitter)', () => {
    const seen = new Set(Array.from({ length: 50 }, () => jitteredDelay(4, 100, 10_000)));
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('isRetryableStatus', () => {
  it('retries throttling and transient 5xx only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 409, 412, 501].some(isRetryableStatus)).toBe(false);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
