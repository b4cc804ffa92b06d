/** Small statistics helpers for the benchmarks. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `measured / baseline`, two decimals: above 1 the measured figure is the larger. */
export function ratio(measured: number, baseline: number): number {
  return round(measured / baseline, 2);
}

export interface LoadResult extends LatencySummary {
  perSecond: number;
  /** Every call's latency, for pooling over repeated runs. */
  samplesMs: number[];
}

/** Runs `operation` from `concurrency` loops for `durationMs`; returns per-call latencies and throughput. */
export async function load(
  operation: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await operation();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  return { ...summarize(latencies), perSecond: round(latencies.length / elapsedS), samplesMs: latencies };
}

/** Runs exactly `total` operations from `concurrency` loops; returns latencies and throughput. */
export async function loadCount(
  operation: (index: number) => Promise<unknown>,
  concurrency: number,
  total: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      for (let index = next++; index < total; index = next++) {
        const t0 = performance.now();
        await operation(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  return { ...summarize(latencies), perSecond: round(latencies.length / elapsedS), samplesMs: latencies };
}

export interface PairedRuns<T> {
  baseline: T[];
  measured: T[];
}

/**
 * Runs the baseline and the measured workload `runs` times each, alternating (baseline first), so a change
 * in the machine's load during the section touches both alike.
 */
export async function alternate<T>(
  runs: number,
  baseline: () => Promise<T>,
  measured: () => Promise<T>,
): Promise<PairedRuns<T>> {
  const result: PairedRuns<T> = { baseline: [], measured: [] };
  for (let run = 0; run < runs; run++) {
    result.baseline.push(await baseline());
    result.measured.push(await measured());
  }
  return result;
}

/**
 * Throughput over repeated runs: the median of the runs' rates, and latency percentiles over every call of
 * every run.
 */
export function pooled(runs: LoadResult[]): LatencySummary & { perSecond: number; runs: number[] } {
  const rates = runs.map((run) => run.perSecond);
  return {
    ...summarize(runs.flatMap((run) => run.samplesMs)),
    perSecond: round(median(rates)),
    runs: rates,
  };
}
