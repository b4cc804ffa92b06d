import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_FILES } from '../../lib/certwright-function.ts';
import {
  BUNDLE_LIMIT_BYTES,
  bundleSizeTable,
  type FunctionBundle,
  synthesizeBundles,
} from '../support/bundle-sizes.ts';
import { runCommand } from '../support/run-command.ts';

/** One synth with bundling on, as `npm run synth` bundles: the functions' real deployment packages. */
let outdir: string;
let bundles: FunctionBundle[];

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'certwright-bundles-'));
  bundles = synthesizeBundles(outdir);
  console.log(['Lambda bundle sizes:', ...bundleSizeTable(bundles)].join('\n'));
}, 180_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('the Lambda bundles', { timeout: 60_000 }, () => {
  it('exist for every entry file', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual(Object.keys(ENTRY_FILES).sort());
    expect(new Set(bundles.map((b) => b.directory)).size).toBe(bundles.length);
  });

  it('are each under 1.5 MB minified', () => {
    for (const bundle of bundles) {
      expect(bundle.bundleBytes, bundle.name).toBeGreaterThan(0);
      expect(bundle.bundleBytes, bundle.name).toBeLessThan(BUNDLE_LIMIT_BYTES);
    }
  });

  it('are ES modules that load in Node and export the handler', async () => {
    for (const bundle of bundles) {
      const code = readFileSync(join(bundle.directory, 'index.mjs'), 'utf8');
      expect(code, bundle.name).toMatch(/\bexport\s*\{[^}]*\bas handler\s*\}/);
      expect(code, bundle.name).not.toMatch(/\bmodule\.exports\s*=/);
      // Importing runs no composition (that waits for the first invocation), so no environment is needed.
      const url = pathToFileURL(join(bundle.directory, 'index.mjs')).href;
      const load = await runCommand(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
        ],
        { env: { PATH: process.env.PATH } },
      );
      expect(load, bundle.name).toMatchObject({ code: 0, stdout: 'function\n' });
    }
  });

  it('carry their source map next to them, without the sources inlined', () => {
    for (const bundle of bundles) {
      const code = readFileSync(join(bundle.directory, 'index.mjs'), 'utf8');
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), bundle.name).toBe(true);
      const map = JSON.parse(readFileSync(join(bundle.directory, 'index.mjs.map'), 'utf8')) as {
        version: number;
        sources: string[];
        mappings: string;
        sourcesContent?: unknown;
      };
      expect(map.version).toBe(3);
      expect(map.mappings.length).toBeGreaterThan(0);
      expect(map.sourcesContent).toBeUndefined();
      expect(map.sources.some((source) => source.includes('functions/core/'))).toBe(true);
    }
  });
});
