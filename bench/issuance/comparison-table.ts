import type { IssuanceComparison } from './compare-issuers.ts';

/** A Markdown table with one row per comparison: both issuers' rates and latencies, and the ratio. */
export function comparisonTable(measuredName: string, baselineName: string, rows: IssuanceComparison[]) {
  return [
    `| key | concurrency | certificates per run | ${measuredName} cert/s | p50 ms | p99 ms | ` +
      `${baselineName} cert/s | p50 ms | p99 ms | ratio |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.keyType} | ${row.concurrency} | ${row.certificatesPerRun} | ${row.measured.perSecond} | ` +
        `${row.measured.p50Ms} | ${row.measured.p99Ms} | ${row.baseline.perSecond} | ${row.baseline.p50Ms} | ` +
        `${row.baseline.p99Ms} | ${row.ratio} |`,
    ),
  ];
}
