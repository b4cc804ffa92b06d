import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FunctionBundle, synthesizeBundles } from '../test/support/bundle-sizes.ts';

/** Each Lambda function's deployment bundle, from one synth of the real stack with bundling on. */
export function bundleSizes(): Array<Omit<FunctionBundle, 'directory'>> {
  const outdir = mkdtempSync(join(tmpdir(), 'certwright-bench-bundles-'));
  try {
    return synthesizeBundles(outdir).map(({ directory: _, ...sizes }) => sizes);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
