import { alternate, type LatencySummary, loadCount, pooled, ratio } from '../measure.ts';
import type { KeyType } from './key-types.ts';

/** Issues one certificate with a fresh key of `keyType`, resolving once the certificate exists. */
export type Issue = (keyType: KeyType) => Promise<void>;

export interface IssuancePlan {
  keyType: KeyType;
  concurrency: number;
  /** Certificates per run. */
  certificates: number;
  runs: number;
}

export type PooledThroughput = LatencySummary & { perSecond: number; runs: number[] };

export interface IssuanceComparison {
  keyType: KeyType;
  concurrency: number;
  certificatesPerRun: number;
  measured: PooledThroughput;
  baseline: PooledThroughput;
  /** Certificates per second, measured / baseline. */
  ratio: number;
}

const WARM_UP = { concurrency: 4, certificates: 8 };

/**
 * Per plan, runs of `plan.certificates` certificates from `plan.concurrency` loops, the baseline's and the
 * measured issuer's alternating; both sides issue a few certificates of each key type first (JIT, pools).
 */
export async function compareIssuers(
  baseline: Issue,
  measured: Issue,
  plans: IssuancePlan[],
): Promise<IssuanceComparison[]> {
  const warmed = new Set<KeyType>();
  const comparisons: IssuanceComparison[] = [];
  for (const plan of plans) {
    const { keyType, concurrency, certificates, runs } = plan;
    if (!warmed.has(keyType)) {
      warmed.add(keyType);
      for (const issue of [baseline, measured]) {
        await loadCount(() => issue(keyType), WARM_UP.concurrency, WARM_UP.certificates);
      }
    }
    const paired = await alternate(
      runs,
      () => loadCount(() => baseline(keyType), concurrency, certificates),
      () => loadCount(() => measured(keyType), concurrency, certificates),
    );
    const baselineRate = pooled(paired.baseline);
    const measuredRate = pooled(paired.measured);
    comparisons.push({
      keyType,
      concurrency,
      certificatesPerRun: certificates,
      measured: measuredRate,
      baseline: baselineRate,
      ratio: ratio(measuredRate.perSecond, baselineRate.perSecond),
    });
  }
  return comparisons;
}
