import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { CertwrightStack } from '../../lib/certwright-stack.ts';
import { NAG_ACKNOWLEDGMENTS } from '../../lib/nag-acknowledgments.ts';

interface ValidationReport {
  pluginReports: Array<{ pluginName: string; conclusion: string; violations: Array<{ ruleName: string }> }>;
}

const outdir = mkdtempSync(join(tmpdir(), 'certwright-nag-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag (AwsSolutions)', { timeout: 60_000 }, () => {
  it('finds nothing unacknowledged in the stack, as `cdk synth` runs it', () => {
    const app = new App({
      outdir,
      context: {
        'aws:cdk:bundling-stacks': [],
        validationDomain: 'acm-validations.example.com',
        hostedZones: '[{"zoneName":"example.com","hostedZoneId":"Z0123456789ABC"}]',
      },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    new CertwrightStack(app, 'Certwright');
    let failure: unknown;
    try {
      app.synth();
    } catch (error) {
      failure = error;
    }
    const report = JSON.parse(
      readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => violation.ruleName),
    );
    expect(findings).toEqual([]);
    expect(failure).toBeUndefined();
  });

  it('gives every acknowledgment a specific reason', () => {
    const acknowledgments = Object.values(NAG_ACKNOWLEDGMENTS).flat();
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgments) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(reason.length, id).toBeGreaterThan(80);
    }
    // One finding is acknowledged at most once per scope (the same rule may be accepted on two scopes, each
    // for its own reason).
    for (const [scope, list] of Object.entries(NAG_ACKNOWLEDGMENTS)) {
      expect(new Set(list.map((ack) => ack.id)).size, scope).toBe(list.length);
    }
  });
});
