import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedTable } from '../../local/embedded-table.ts';
import { FakeKms } from '../../test/adapters/aws/fake-kms.ts';
import { BUNDLE_LIMIT_BYTES, synthesizeBundles } from '../../test/support/bundle-sizes.ts';
import { REGION } from '../../test/unit/core/core-fixtures.ts';
import type { BenchSection } from '../bench-section.ts';
import { alternate, ratio, round, summarize } from '../measure.ts';
import { type ColdStart, coldStart } from './cold-start.ts';
import { invocations, lambdaEnvironment, prepareAccount } from './lambda-invocations.ts';
import { startLocalAwsTwin } from './local-aws-twin.ts';

/** Fresh processes per function, each alternated with a baseline process. */
const RUNS = 12;

/** The baseline's module: as small an ESM handler as there can be. */
const TRIVIAL_HANDLER =
  'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });\n';

function summary(starts: ColdStart[]) {
  const imports = summarize(starts.map((start) => start.importMs));
  const answers = summarize(starts.map((start) => start.answerMs));
  return {
    importP50Ms: imports.p50Ms,
    importP99Ms: imports.p99Ms,
    answerP50Ms: answers.p50Ms,
    answerP99Ms: answers.p99Ms,
  };
}

/**
 * Each Lambda function's bundle (one synth of the real stack, as `npm run synth` bundles it) and its cold
 * initialisation: a fresh `node` process importing the bundle's index.mjs and handling one realistic event,
 * timed from spawn to the import and to the handler's answer, alternated with a baseline process importing a
 * trivial ESM handler the same way. The composition's AWS calls go to loopback: DynamoDB to an embedded
 * dynalite, KMS/Step Functions/EventBridge/S3 to a local twin (AWS_ENDPOINT_URL_<SERVICE>).
 */
export const lambdaSection: BenchSection = {
  id: 'lambda',
  async run() {
    const workDir = mkdtempSync(join(tmpdir(), 'certwright-bench-lambda-'));
    const kms = new FakeKms();
    const table = await startEmbeddedTable({ region: REGION, tableName: 'certwright-bench' });
    const twin = await startLocalAwsTwin(kms);
    try {
      const bundles = synthesizeBundles(join(workDir, 'cdk.out'));
      const trivial = join(workDir, 'trivial-handler.mjs');
      writeFileSync(trivial, TRIVIAL_HANDLER);
      const keys = await prepareAccount(kms, table);
      const environment = lambdaEnvironment({ table, twinUrl: twin.url, keys });
      const events = await invocations(table);

      const rows = [];
      for (const bundle of bundles) {
        const invocation = events[bundle.name];
        const module = join(bundle.directory, 'index.mjs');
        let index = 0;
        // One untimed start first: the file is then in the page cache, as for the baseline's.
        const first = await coldStart(module, await invocation.event(index++), environment);
        const paired = await alternate(
          RUNS,
          async () => coldStart(trivial, { index }, environment),
          async () => coldStart(module, await invocation.event(index++), environment),
        );
        const measured = summary(paired.measured);
        const baseline = summary(paired.baseline);
        rows.push({
          name: bundle.name,
          bundleBytes: bundle.bundleBytes,
          gzipBytes: bundle.gzipBytes,
          sourceMapBytes: bundle.sourceMapBytes,
          shareOfLimit: round(bundle.bundleBytes / BUNDLE_LIMIT_BYTES, 2),
          calls: invocation.calls,
          sampleAnswer: first.answer.slice(0, 120),
          measured,
          baseline,
          importRatio: ratio(measured.importP50Ms, baseline.importP50Ms),
          answerRatio: ratio(measured.answerP50Ms, baseline.answerP50Ms),
        });
      }
      const slowest = rows.reduce((a, b) => (b.measured.answerP50Ms > a.measured.answerP50Ms ? b : a));
      const largest = rows.reduce((a, b) => (b.bundleBytes > a.bundleBytes ? b : a));
      return {
        figures: { runs: RUNS, rows },
        markdown: [
          '## Lambda bundles and cold initialisation (fresh node process per start)',
          '',
          'Each function as `npm run synth` bundles it (minified ESM, local esbuild), and its cold start: a ' +
            "fresh `node` process importing the bundle's index.mjs and handling one realistic event, timed " +
            `from spawn to the import and to the handler's answer (medians and p99 over ${RUNS} processes), ` +
            'alternated with the baseline: a fresh process importing a trivial ESM handler and calling it. ' +
            'The AWS calls each event makes stay on loopback: DynamoDB on an embedded dynalite, the others on ' +
            'a local twin answering as the service (KMS with real keys). Node ' +
            `${process.version} on this machine, not Lambda's runtime.`,
          '',
          '| function | index.mjs bytes | gzip bytes | map bytes | share of 1.5 MB | event calls | import p50 ms | p99 | answer p50 ms | p99 | baseline import p50 | baseline answer p50 | import ratio | answer ratio |',
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
          ...rows.map(
            (r) =>
              `| ${r.name} | ${r.bundleBytes} | ${r.gzipBytes} | ${r.sourceMapBytes} | ${Math.round(100 * r.shareOfLimit)} % | ${r.calls} | ` +
              `${r.measured.importP50Ms} | ${r.measured.importP99Ms} | ${r.measured.answerP50Ms} | ${r.measured.answerP99Ms} | ` +
              `${r.baseline.importP50Ms} | ${r.baseline.answerP50Ms} | ${r.importRatio} | ${r.answerRatio} |`,
          ),
        ],
        headline: [
          `Lambda cold start (fresh node, import + one event): slowest ${slowest.name} ${slowest.measured.answerP50Ms} ms ` +
            `median (${slowest.answerRatio}× a trivial handler's ${slowest.baseline.answerP50Ms} ms); largest bundle ` +
            `${largest.name} ${largest.bundleBytes} bytes (${largest.gzipBytes} gzipped).`,
        ],
      };
    } finally {
      await twin.stop();
      await table.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};
