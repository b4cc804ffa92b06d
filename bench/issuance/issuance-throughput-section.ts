import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchSection } from '../bench-section.ts';
import { onPath } from '../installed.ts';
import { ratio, round } from '../measure.ts';
import { createBenchCa } from './bench-ca.ts';
import { startCertwrightIssuer } from './certwright-issuer.ts';
import { compareIssuers, type IssuanceComparison, type IssuancePlan } from './compare-issuers.ts';
import { comparisonTable } from './comparison-table.ts';
import { CA_KEY_TYPE } from './key-types.ts';
import { opensslIssuer } from './openssl-issuer.ts';

const RUNS = 3;
/** Enough certificates per run for several waves at concurrency 16, and the section within about 4 minutes. */
const PLANS: IssuancePlan[] = [
  { keyType: 'RSA_2048', concurrency: 1, certificates: 16, runs: RUNS },
  { keyType: 'RSA_2048', concurrency: 16, certificates: 48, runs: RUNS },
  { keyType: 'EC_prime256v1', concurrency: 1, certificates: 48, runs: RUNS },
  { keyType: 'EC_prime256v1', concurrency: 16, certificates: 160, runs: RUNS },
];
/** After the banner, the start-up work (the first schedule run) settles before the idle reading. */
const SETTLE_MS = 2_000;

/**
 * Certificates per second on the local stack end to end (RequestCertificate with DNS validation in a local
 * zone → DescribeCertificate until ISSUED), against openssl generating the same kind of key and signing a
 * certificate for it with a CA key of the stack's CA type, in as many concurrent processes; and the
 * service's peak memory over the whole run against its memory at idle right after start.
 */
export const issuanceThroughputSection: BenchSection = {
  id: 'issuance',
  requires: () => (onPath('openssl') ? undefined : 'openssl is not on PATH (sudo apt-get install openssl)'),
  async run() {
    const ca = await createBenchCa();
    try {
      const certwright = await startCertwrightIssuer();
      try {
        await sleep(SETTLE_MS);
        const idle = await certwright.memory();
        const comparisons = await compareIssuers(opensslIssuer(ca), certwright.issue, PLANS);
        const { peakMiB } = await certwright.memory();
        const memory = {
          idleRssMiB: round(idle.rssMiB),
          peakRssMiB: round(peakMiB),
          ratio: ratio(peakMiB, idle.rssMiB),
        };
        return report(comparisons, memory);
      } finally {
        await certwright.stop();
      }
    } finally {
      await ca.remove();
    }
  },
};

function report(
  comparisons: IssuanceComparison[],
  memory: { idleRssMiB: number; peakRssMiB: number; ratio: number },
) {
  const certificates = comparisons.reduce((sum, row) => sum + row.certificatesPerRun * RUNS, 0);
  const rate = (keyType: string, concurrency: number) =>
    comparisons.find((row) => row.keyType === keyType && row.concurrency === concurrency);
  const headline = [16, 1].flatMap((concurrency) => {
    const rsa = rate('RSA_2048', concurrency);
    const ec = rate('EC_prime256v1', concurrency);
    return rsa && ec
      ? [
          `Issuance at concurrency ${concurrency}: RSA_2048 ${rsa.measured.perSecond} cert/s ` +
            `(${rsa.ratio}× openssl), EC_prime256v1 ${ec.measured.perSecond} cert/s (${ec.ratio}× openssl).`,
        ]
      : [];
  });
  headline.push(
    `Service peak RSS during the throughput run: ${memory.peakRssMiB} MiB (${memory.ratio}× its ` +
      `${memory.idleRssMiB} MiB at idle).`,
  );
  return {
    figures: { caKeyType: CA_KEY_TYPE, runs: RUNS, comparisons, memory },
    headline,
    markdown: [
      '## Issuance throughput (local stack vs. openssl)',
      '',
      'End to end on the local stack, run as `npm start` runs it in a process of its own: RequestCertificate ' +
        '(DNS validation, a name in a local zone, so the validation record is present at once), then ' +
        "until the certificate's `ACM Certificate Available` event is in the stack's event log (read as it is " +
        'written, so no client polling adds load or rounding). Baseline: ' +
        '`openssl req -x509 -CA` generating the same kind of key and signing a certificate for it (the same ' +
        `extensions) with a ${CA_KEY_TYPE} CA key, the local CA's default, one process per certificate, as ` +
        `many at once as the concurrency. Certificates per second are the median of ${RUNS} runs, the two ` +
        'sides alternating; latencies are per certificate over every run; ratio = Certwright / openssl.',
      '',
      ...comparisonTable('Certwright', 'openssl', comparisons),
      '',
      `Memory of the service process over the whole run (${certificates} certificates besides the warm-up):`,
      '',
      '| peak RSS (VmHWM) MiB | RSS at idle after start MiB | ratio |',
      '|---|---|---|',
      `| ${memory.peakRssMiB} | ${memory.idleRssMiB} | ${memory.ratio} |`,
    ],
  };
}
