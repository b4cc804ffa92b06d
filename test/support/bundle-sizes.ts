import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App, type CfnResource } from 'aws-cdk-lib';
import { ENTRY_FILES, type FunctionName } from '../../lib/certwright-function.ts';
import { CertwrightStack } from '../../lib/certwright-stack.ts';

/** The most a function's minified `index.mjs` may weigh. */
export const BUNDLE_LIMIT_BYTES = 1.5 * 1024 * 1024;

export interface FunctionBundle {
  name: FunctionName;
  /** The asset directory CDK wrote the bundle into (`<outdir>/asset.<hash>`). */
  directory: string;
  bundleBytes: number;
  /** The bundle gzipped at level 9: close to what the deployment package adds for it. */
  gzipBytes: number;
  sourceMapBytes: number;
}

interface AssetManifest {
  files: Record<string, { source: { path: string } }>;
}

/**
 * Synthesizes the real stack into `outdir` with bundling on (the local esbuild, as `npm run synth`) and
 * measures each function's bundle. Every function in ENTRY_FILES is looked up; one the stack does not make
 * is an error, so a new entry cannot go unmeasured.
 */
export function synthesizeBundles(outdir: string): FunctionBundle[] {
  const app = new App({ outdir, context: { validationDomain: 'acm-validations.example.com' } });
  const stack = new CertwrightStack(app, 'BundleSize');
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const resources = artifact.template.Resources as Record<
    string,
    { Properties: { Code: { S3Key: string } } }
  >;
  const manifest = JSON.parse(
    readFileSync(join(outdir, `${artifact.id}.assets.json`), 'utf8'),
  ) as AssetManifest;

  return (Object.keys(ENTRY_FILES) as FunctionName[]).map((name) => {
    const fn = stack.functions[name];
    if (!fn) throw new Error(`ENTRY_FILES names ${name}, but the stack has no such function`);
    const logicalId = stack.getLogicalId(fn.function.node.defaultChild as CfnResource);
    const s3Key = resources[logicalId]?.Properties.Code.S3Key;
    const hash = s3Key?.replace(/\.zip$/, '');
    const source = hash === undefined ? undefined : manifest.files[hash]?.source.path;
    if (!source) throw new Error(`No bundled asset for ${name} (${logicalId}, S3Key ${s3Key})`);
    const directory = join(outdir, source);
    const bundle = readFileSync(join(directory, 'index.mjs'));
    return {
      name,
      directory,
      bundleBytes: bundle.length,
      gzipBytes: gzipSync(bundle, { level: 9 }).length,
      sourceMapBytes: statSync(join(directory, 'index.mjs.map')).size,
    };
  });
}

/** A Markdown table of the sizes, one row per function. */
export function bundleSizeTable(bundles: Array<Omit<FunctionBundle, 'directory'>>): string[] {
  return [
    '| function | index.mjs bytes | gzip bytes | index.mjs.map bytes | share of the 1.5 MB limit |',
    '|---|---|---|---|---|',
    ...bundles.map(
      (b) =>
        `| ${b.name} | ${b.bundleBytes} | ${b.gzipBytes} | ${b.sourceMapBytes} | ${Math.round((100 * b.bundleBytes) / BUNDLE_LIMIT_BYTES)} % |`,
    ),
  ];
}
