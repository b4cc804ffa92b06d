import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CertwrightStack } from '../../lib/certwright-stack.ts';
import {
  DEFAULT_DEPLOY_SETTINGS,
  DeploySettingsError,
  MAX_VALIDATION_CHECKS,
  readDeploySettings,
  readStackName,
  worstCaseValidationChecks,
} from '../../lib/settings.ts';

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

/** Settings as the CDK CLI passes them: cdk.json's context, then `-c` values (always strings) over it. */
function settingsFrom(context: Record<string, unknown>) {
  return readDeploySettings(new App({ context: { ...CDK_JSON_CONTEXT, ...context } }).node);
}

function settingsError(context: Record<string, unknown>): string {
  try {
    settingsFrom(context);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploySettingsError);
    return (error as Error).message;
  }
  throw new Error('expected a DeploySettingsError');
}

const DOMAIN = { validationDomain: 'acm-validations.example.com' };

describe('deploy settings from CDK context', { timeout: 60_000 }, () => {
  it('takes its defaults from cdk.json, the same as the code defaults', () => {
    const settings = settingsFrom(DOMAIN);
    expect(settings).toEqual({ validationDomain: 'acm-validations.example.com', ...DEFAULT_DEPLOY_SETTINGS });
    expect(settingsFrom({ validationDomain: 'x.example.com' })).toEqual(
      readDeploySettings(new App({ context: { validationDomain: 'x.example.com' } }).node),
    );
  });

  it('fails synth with a clear error when validationDomain is missing', () => {
    expect(settingsError({})).toMatch(/validationDomain is required.*-c validationDomain=/);
    expect(
      () => new CertwrightStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'NoDomain'),
    ).toThrow(/Certwright deploy settings: validationDomain is required/);
  });

  it('reads -c strings: numbers, the key spec, hosted zones as JSON, a trailing dot dropped', () => {
    const settings = settingsFrom({
      validationDomain: 'Validations.Example.COM.',
      caKeySpec: 'ECC_NIST_P384',
      caSubject: ' CN=Example Issuing Root, O=Example Corp, C=DE ',
      caValidityYears: '20',
      validityDays: '90',
      maxDomains: '25',
      pollInitialSeconds: '10',
      pollFactor: '1.5',
      pollMaxSeconds: '600',
      validationTimeoutHours: '24',
      hostedZones: '[{"zoneName":"example.com.","hostedZoneId":"/hostedzone/Z0123456789ABC"}]',
      crlUrl: 'http://crl.example.com/ca.crl',
      caIssuersUrl: 'http://ca.example.com/ca.crt',
      emailSender: 'Example Certificates <no-reply@mail.example.com>',
      schedule: 'cron(0 3 * * ? *)',
      apiRateLimit: '20',
      apiBurstLimit: '40',
      region: 'eu-central-1',
      whoisServer: 'whois.example.net',
      caaIdentities: 'Certwright, pki.example.com',
      deniedDomains: '.corp.example.com,secret.example.com',
      allowedDomains: '.example.com',
      maxCertificates: '500',
      maxRequestsPerYear: '1000',
      renewalWindowDays: '30',
      renewAllIssued: 'true',
      notificationEmail: 'Ops@Example.com, security@example.com',
    });
    expect(settings).toEqual({
      validationDomain: 'validations.example.com',
      caKeySpec: 'ECC_NIST_P384',
      caSubject: 'CN=Example Issuing Root, O=Example Corp, C=DE',
      caValidityYears: 20,
      caMode: 'ROOT',
      validityDays: 90,
      maxDomains: 25,
      pollInitialSeconds: 10,
      pollFactor: 1.5,
      pollMaxSeconds: 600,
      validationTimeoutHours: 24,
      hostedZones: [{ zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' }],
      crlUrl: 'http://crl.example.com/ca.crl',
      caIssuersUrl: 'http://ca.example.com/ca.crt',
      emailSender: {
        from: 'Example Certificates <no-reply@mail.example.com>',
        address: 'no-reply@mail.example.com',
        sesIdentity: 'mail.example.com',
      },
      schedule: 'cron(0 3 * * ? *)',
      apiRateLimit: 20,
      apiBurstLimit: 40,
      region: 'eu-central-1',
      whoisServer: 'whois.example.net',
      caaIdentities: ['certwright', 'pki.example.com'],
      deniedDomains: ['.corp.example.com', 'secret.example.com'],
      allowedDomains: ['.example.com'],
      maxCertificates: 500,
      maxRequestsPerYear: 1000,
      renewalWindowDays: 30,
      renewAllIssued: true,
      notificationEmails: ['ops@example.com', 'security@example.com'],
    });
  });

  it('takes the SES identity from the sender, or from sesIdentity when it is the sender address itself', () => {
    expect(settingsFrom({ ...DOMAIN, emailSender: 'certs@example.org' }).emailSender).toEqual({
      from: 'certs@example.org',
      address: 'certs@example.org',
      sesIdentity: 'example.org',
    });
    expect(
      settingsFrom({ ...DOMAIN, emailSender: 'certs@example.org', sesIdentity: 'certs@example.org' })
        .emailSender?.sesIdentity,
    ).toBe('certs@example.org');
    expect(settingsError({ ...DOMAIN, emailSender: 'certs@example.org', sesIdentity: 'other.org' })).toMatch(
      /sesIdentity must be the sender's domain \(example.org\) or its address/,
    );
  });

  it('names the setting it refuses', () => {
    expect(settingsError({ validationDomain: 'not a domain' })).toMatch(
      /validationDomain must be a DNS name/,
    );
    expect(settingsError({ ...DOMAIN, caKeySpec: 'RSA_4096' })).toMatch(/caKeySpec must be one of RSA_2048/);
    expect(settingsError({ ...DOMAIN, caSubject: 'Example Root' })).toMatch(
      /caSubject must be a distinguished name/,
    );
    expect(settingsError({ ...DOMAIN, caSubject: 'CN=' })).toMatch(/caSubject must be a distinguished name/);
    expect(settingsError({ ...DOMAIN, caSubject: 'XX=Example' })).toMatch(
      /caSubject must be a distinguished name/,
    );
    expect(settingsError({ ...DOMAIN, caValidityYears: '101' })).toMatch(
      /caValidityYears must be a number from 1 to 100/,
    );
    expect(settingsError({ ...DOMAIN, caValidityYears: '2.5' })).toMatch(
      /caValidityYears must be a whole number/,
    );
    expect(settingsError({ ...DOMAIN, validityDays: '0' })).toMatch(/validityDays must be a number from 1/);
    expect(settingsError({ ...DOMAIN, maxDomains: '2.5' })).toMatch(/maxDomains must be a whole number/);
    expect(settingsError({ ...DOMAIN, hostedZones: '{oops' })).toMatch(/hostedZones must be JSON/);
    expect(
      settingsError({ ...DOMAIN, hostedZones: '[{"zoneName":"example.com","hostedZoneId":"bad id"}]' }),
    ).toMatch(/hostedZones\[0\]\.hostedZoneId/);
    expect(settingsError({ ...DOMAIN, crlUrl: 'ftp://x' })).toMatch(/crlUrl must be an http\(s\) URL/);
    expect(settingsError({ ...DOMAIN, emailSender: 'no-reply' })).toMatch(/emailSender must be an address/);
    expect(settingsError({ ...DOMAIN, emailSender: 'A <b@c' })).toMatch(/emailSender must be an address/);
    expect(settingsError({ ...DOMAIN, schedule: 'every day' })).toMatch(/schedule must be an EventBridge/);
    expect(settingsError({ ...DOMAIN, schedule: 'rate(1 days)' })).toMatch(/schedule must be an EventBridge/);
    expect(settingsError({ ...DOMAIN, schedule: 'rate(2 day)' })).toMatch(/schedule must be an EventBridge/);
    expect(settingsError({ ...DOMAIN, apiRateLimit: '0' })).toMatch(/apiRateLimit must be a number from 1/);
    expect(settingsError({ ...DOMAIN, region: 'Frankfurt' })).toMatch(/region must be an AWS region/);
    expect(settingsError({ ...DOMAIN, whoisServer: 'whois.example.net:99999' })).toMatch(
      /whoisServer must be host or host:port/,
    );
    expect(settingsError({ ...DOMAIN, whoisServer: 'a..b' })).toMatch(
      /whoisServer must be host or host:port/,
    );
    expect(settingsError({ ...DOMAIN, pollInitialSeconds: '60', pollMaxSeconds: '30' })).toMatch(
      /pollMaxSeconds \(30\) must be at least pollInitialSeconds \(60\)/,
    );
  });

  it('names the stack Certwright unless -c stackName gives another valid name', () => {
    expect(readStackName(new App().node)).toBe('Certwright');
    expect(readStackName(new App({ context: { stackName: 'Certwright-Staging' } }).node)).toBe(
      'Certwright-Staging',
    );
    expect(() => readStackName(new App({ context: { stackName: '9 lives' } }).node)).toThrow(
      /stackName must start with a letter/,
    );
  });

  it('passes an intermediate CA certificate and its chain, read from files, to the CA bootstrap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certwright-ca-files-'));
    try {
      // The bootstrap checks what the files hold; synth only needs PEM certificates in them.
      const pem = (label: string) =>
        `-----BEGIN CERTIFICATE-----\n${Buffer.from(label).toString('base64')}\n-----END CERTIFICATE-----\n`;
      writeFileSync(join(dir, 'intermediate.pem'), pem('intermediate'));
      writeFileSync(join(dir, 'root.pem'), pem('root'));
      writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
      const files = {
        caMode: 'intermediate',
        caCertificateFile: join(dir, 'intermediate.pem'),
        caChainFile: join(dir, 'root.pem'),
      };
      const stack = new CertwrightStack(
        new App({ context: { ...CDK_JSON_CONTEXT, ...DOMAIN, 'aws:cdk:bundling-stacks': [], ...files } }),
        'Intermediate',
      );
      Template.fromStack(stack).hasResourceProperties('Custom::CertwrightCa', {
        CaMode: 'INTERMEDIATE',
        CaCertificatePem: pem('intermediate'),
        CaChainPem: pem('root'),
      });
      expect(Object.keys(Template.fromStack(stack).findOutputs('*'))).toEqual(
        expect.arrayContaining(['CaStatus', 'CaCsr', 'CaCertificateFingerprint']),
      );

      expect(settingsError({ ...DOMAIN, ...files, caChainFile: undefined })).toMatch(
        /caCertificateFile and caChainFile go together/,
      );
      expect(settingsError({ ...DOMAIN, ...files, caMode: 'ROOT' })).toMatch(
        /caCertificateFile is for caMode=INTERMEDIATE/,
      );
      expect(settingsError({ ...DOMAIN, ...files, caChainFile: join(dir, 'missing.pem') })).toMatch(
        /caChainFile: cannot read/,
      );
      expect(settingsError({ ...DOMAIN, ...files, caCertificateFile: join(dir, 'key.pem') })).toMatch(
        /caCertificateFile: .* holds no PEM certificate/,
      );
      expect(settingsError({ ...DOMAIN, caMode: 'SUBORDINATE' })).toMatch(
        /caMode must be ROOT or INTERMEDIATE/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the worst-case checks from the schedule: the defaults need under 900', () => {
    const defaults = settingsFrom(DOMAIN);
    // 0, 5, 15, 35, 75, 155, 315 s, then every 300 s until 72 h.
    const expected = 7 + Math.ceil((72 * 3600 - 315) / 300);
    expect(worstCaseValidationChecks(defaults)).toBe(expected);
    expect(expected).toBeLessThan(900);
    expect(worstCaseValidationChecks({ ...defaults, validationTimeoutHours: 1 })).toBe(
      7 + Math.ceil((3600 - 315) / 300),
    );
  });

  it('refuses poll settings that would approach the 25,000-event execution history', () => {
    // Every 60 s for 72 h: 4,321 checks, about 39,000 events.
    const message = settingsError({
      ...DOMAIN,
      pollInitialSeconds: '60',
      pollFactor: '1',
      pollMaxSeconds: '60',
    });
    expect(message).toMatch(/poll settings .* check DNS more than 2000 times in validationTimeoutHours=72/);
    expect(message).toMatch(/25,000/);
    expect(() => settingsFrom({ ...DOMAIN, pollMaxSeconds: '10', validationTimeoutHours: '168' })).toThrow(
      DeploySettingsError,
    );
    // Just inside the limit: every 130 s for 72 h is 1,995 checks.
    const edge = settingsFrom({
      ...DOMAIN,
      pollInitialSeconds: '130',
      pollFactor: '1',
      pollMaxSeconds: '130',
    });
    expect(worstCaseValidationChecks(edge)).toBeLessThanOrEqual(MAX_VALIDATION_CHECKS);
  });
});
