import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { bundleSizeTable } from '../test/support/bundle-sizes.ts';
import { bundleSizes } from './bundle-size.ts';
import { describeThroughput } from './describe-throughput.ts';
import { timeToIssue } from './time-to-issue.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const results = {
  when: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  timeToIssue: await timeToIssue(),
  describeCertificate: await describeThroughput(),
  lambdaBundles: bundleSizes(),
};

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const lines = [
  `# Benchmarks (${results.when}, ${results.machine.cpus} cores, Node ${results.machine.node})`,
  '',
  '## Time to issue (local stack, BIND as the DNS server)',
  '',
  '| case | samples | p50 ms | p99 ms | max ms |',
  '|---|---|---|---|---|',
  ...Object.entries(results.timeToIssue).map(([name, s]) => {
    const row = s as { count: number; p50Ms: number; p99Ms: number; maxMs: number };
    return `| ${name} | ${row.count} | ${row.p50Ms} | ${row.p99Ms} | ${row.maxMs} |`;
  }),
  '',
  '## DescribeCertificate (SDK over HTTP, SigV4) vs. baseline GetItem on the embedded table, same process',
  '',
  '| concurrency | Describe req/s | p50 ms | p99 ms | GetItem req/s | ratio |',
  '|---|---|---|---|---|---|',
  ...results.describeCertificate.map(
    (r) =>
      `| ${r.concurrency} | ${r.describe.perSecond} | ${r.describe.p50Ms} | ${r.describe.p99Ms} | ${r.baselineGetItem.perSecond} | ${r.ratioToBaseline} |`,
  ),
  '',
  '## Lambda bundles (minified ESM, one synth with the local esbuild)',
  '',
  ...bundleSizeTable(results.lambdaBundles),
  '',
];
writeFileSync(new URL('./results/latest.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
