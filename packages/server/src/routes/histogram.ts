/** The `value` of a CouchDB histogram metric (`couch_stats` summary of a sliding window). */
export interface HistogramValue {
  readonly min: number;
  readonly max: number;
  readonly arithmetic_mean: number;
  readonly geometric_mean: number;
  readonly harmonic_mean: number;
  readonly median: number;
  readonly variance: number;
  readonly standard_deviation: number;
  readonly skewness: number;
  readonly kurtosis: number;
  /** `[[50, p50], [75, p75], [90, p90], [95, p95], [99, p99], [999, p99.9]]`. */
  readonly percentile: readonly (readonly [number, number])[];
  /** `[[upper bound, count], ...]` over ten equal-width bins. */
  readonly histogram: readonly (readonly [number, number])[];
  readonly n: number;
}

const PERCENTILES: readonly (readonly [number, number])[] = [
  [50, 0.5],
  [75, 0.75],
  [90, 0.9],
  [95, 0.95],
  [99, 0.99],
  [999, 0.999],
];
const BINS = 10;

function percentileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? 0;
}

function bins(sorted: readonly number[], min: number, max: number): [number, number][] {
  if (sorted.length === 0) return [[0, 0]];
  const width = (max - min) / BINS;
  if (width === 0) return [[max, sorted.length]];
  const counts = new Array<number>(BINS).fill(0);
  for (const value of sorted) {
    const bin = Math.min(BINS - 1, Math.floor((value - min) / width));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((count, i) => [min + width * (i + 1), count]);
}

/** Summarises samples the way CouchDB's histograms are reported (all zeros when there are none). */
export function summarise(samples: readonly number[]): HistogramValue {
  const n = samples.length;
  const sorted = [...samples].sort((a, b) => a - b);
  const min = sorted[0] ?? 0;
  const max = sorted[n - 1] ?? 0;
  const mean = n === 0 ? 0 : sorted.reduce((s, v) => s + v, 0) / n;
  const positive = n > 0 && min > 0;
  const geometric = positive ? Math.exp(sorted.reduce((s, v) => s + Math.log(v), 0) / n) : 0;
  const harmonic = positive ? n / sorted.reduce((s, v) => s + 1 / v, 0) : 0;
  // Sample variance, as folsom/bear report it.
  const variance = n < 2 ? 0 : sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const sd = Math.sqrt(variance);
  const moment = (k: number): number => (n === 0 ? 0 : sorted.reduce((s, v) => s + (v - mean) ** k, 0) / n);
  const skewness = sd === 0 ? 0 : moment(3) / sd ** 3;
  const kurtosis = sd === 0 ? 0 : moment(4) / sd ** 4 - 3;
  return {
    min,
    max,
    arithmetic_mean: mean,
    geometric_mean: geometric,
    harmonic_mean: harmonic,
    median: percentileOf(sorted, 0.5),
    variance,
    standard_deviation: sd,
    skewness,
    kurtosis,
    percentile: PERCENTILES.map(([label, q]) => [label, percentileOf(sorted, q)] as const),
    histogram: bins(sorted, min, max),
    n,
  };
}
