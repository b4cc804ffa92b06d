import type { BenchSection } from '../bench-section.ts';
import { onPath } from '../installed.ts';
import { createBenchCa } from './bench-ca.ts';
import { startCertwrightIssuer } from './certwright-issuer.ts';
import { startCfsslServer } from './cfssl-server.ts';
import { compareIssuers, type IssuanceComparison, type IssuancePlan } from './compare-issuers.ts';
import { comparisonTable } from './comparison-table.ts';
import { CA_KEY_TYPE } from './key-types.ts';

const RUNS = 3;
const PLANS: IssuancePlan[] = [
  { keyType: 'RSA_2048', concurrency: 1, certificates: 12, runs: RUNS },
  { keyType: 'RSA_2048', concurrency: 16, certificates: 48, runs: RUNS },
  { keyType: 'EC_prime256v1', concurrency: 1, certificates: 40, runs: RUNS },
  { keyType: 'EC_prime256v1', concurrency: 16, certificates: 128, runs: RUNS },
];

/**
 * Certwright's issuance path (as in the `issuance` section) against a peer: Cloudflare's cfssl serving
 * `/api/v1/cfssl/newcert`, which also generates the key and signs, with a CA key of the same type.
 */
export const cfsslPeerSection: BenchSection = {
  id: 'cfssl',
  requires: () =>
    onPath('cfssl') ? undefined : 'cfssl is not on PATH: sudo apt-get install golang-cfssl (Debian, Ubuntu)',
  async run() {
    const ca = await createBenchCa();
    try {
      const cfssl = await startCfsslServer(ca);
      try {
        const certwright = await startCertwrightIssuer();
        try {
          return report(await compareIssuers(cfssl.newCertificate, certwright.issue, PLANS));
        } finally {
          await certwright.stop();
        }
      } finally {
        await cfssl.stop();
      }
    } finally {
      await ca.remove();
    }
  },
};

function report(comparisons: IssuanceComparison[]) {
  const atConcurrency16 = comparisons.filter((row) => row.concurrency === 16);
  return {
    figures: { caKeyType: CA_KEY_TYPE, runs: RUNS, comparisons },
    headline: [
      `Against cfssl at concurrency 16: ${atConcurrency16
        .map(
          (row) =>
            `${row.keyType} ${row.measured.perSecond} vs. ${row.baseline.perSecond} cert/s (${row.ratio}×)`,
        )
        .join(', ')}.`,
    ],
    markdown: [
      '## Peer comparison: cfssl',
      '',
      "Certwright's issuance path, measured as in the issuance section (RequestCertificate → ISSUED), against " +
        "Cloudflare's cfssl (`cfssl serve` on 127.0.0.1, `POST /api/v1/cfssl/newcert`, which generates the " +
        `key and signs a certificate for it), both with a ${CA_KEY_TYPE} CA key, the same number of requests ` +
        `in flight. Certificates per second are the median of ${RUNS} runs, the two sides alternating; ` +
        'latencies are per certificate over every run; ratio = Certwright / cfssl.',
      '',
      ...comparisonTable('Certwright', 'cfssl', comparisons),
    ],
  };
}
