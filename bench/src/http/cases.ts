/**
 * The HTTP client cases shared by `bench:http` (clients on one server) and `bench:server` (two servers): what a
 * step does is the same in both; how many steps a run takes is each bench's own.
 */
import type { BenchClient, Song } from './clients.js';

/** Documents each server is loaded with before the runs (`pre0`...). */
export const PRELOADED = 1000;
/** Documents per bulk step. */
export const BULK = 1000;

export interface HttpCase {
  readonly name: string;
  /** Timed steps per run. */
  readonly steps: number;
  /** Operations one step makes (a bulk step writes 1,000 documents). */
  readonly opsPerStep: number;
  /** Untimed set-up of a client's run. */
  prepare?(client: BenchClient, round: number): Promise<void>;
  /** One timed step; `i` counts from 0. */
  step(client: BenchClient, round: number, i: number): Promise<void>;
  /** Required @settee/http / nano ratio: ≥ 1.2× on sequential cases, ≥ 1× on bulk. */
  readonly target: number;
}

export function song(id: string, i: number): Song {
  return { _id: id, title: `Song ${i}`, artist: `Artist ${i % 37}`, year: 1960 + (i % 60), plays: i, tags: ['a', `t${i % 7}`] };
}

/** The five cases, with each bench's number of steps per run. */
export function httpCases(steps: { sequential: number; bulk: number; finds: number }): HttpCase[] {
  return [
    {
      name: 'get (sequential)',
      steps: steps.sequential,
      opsPerStep: 1,
      target: 1.2,
      async step(client, _round, i) {
        await client.get(`pre${i % PRELOADED}`);
      },
    },
    {
      name: 'put (sequential)',
      steps: steps.sequential,
      opsPerStep: 1,
      target: 1.2,
      async step(client, round, i) {
        await client.put(song(`${client.name}-put-${round}-${i}`, i));
      },
    },
    {
      name: 'get+update (sequential)',
      steps: steps.sequential,
      opsPerStep: 1,
      target: 1.2,
      async prepare(client, round) {
        await client.put(song(`${client.name}-upd-${round}`, 0));
      },
      async step(client, round) {
        const doc = await client.get(`${client.name}-upd-${round}`);
        doc.plays += 1;
        await client.put(doc);
      },
    },
    {
      name: 'bulk 1,000 docs',
      steps: steps.bulk,
      opsPerStep: BULK,
      target: 1,
      async step(client, round, b) {
        await client.bulk(Array.from({ length: BULK }, (_, i) => song(`${client.name}-bulk-${round}-${b}-${i}`, i)));
      },
    },
    {
      name: 'find (50 of 1,000)',
      steps: steps.finds,
      opsPerStep: 1,
      target: 1.2,
      async step(client, _round, i) {
        await client.find(1960 + (i % 60));
      },
    },
  ];
}
