import { describe, expect, it } from 'vitest';
import { parseDiagnoseArgs, type RawDescription, renderDiagnosis } from '../../local/diagnose.ts';

const ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe('certwright diagnose arguments', () => {
  it('defaults to the local stack the local settings describe, signing for acm', () => {
    expect(parseDiagnoseArgs([ARN], {})).toEqual({
      certificateArn: ARN,
      endpoint: 'http://127.0.0.1:4747',
      region: 'us-east-1',
      signingName: 'acm',
      json: false,
    });
    expect(parseDiagnoseArgs([ARN, '--port', '5999'], { CERTWRIGHT_REGION: 'eu-west-1' })).toMatchObject({
      endpoint: 'http://127.0.0.1:5999',
      region: 'eu-west-1',
    });
  });

  it('takes the endpoint and region from the environment as the AWS CLI does, flags first', () => {
    const env = { AWS_ENDPOINT_URL_ACM: 'http://127.0.0.1:6000', AWS_REGION: 'eu-central-1' };
    expect(parseDiagnoseArgs([ARN], env)).toMatchObject({
      endpoint: 'http://127.0.0.1:6000',
      region: 'eu-central-1',
    });
    expect(
      parseDiagnoseArgs(['--endpoint-url=http://127.0.0.1:7000', ARN, '--region', 'us-west-2'], env),
    ).toMatchObject({
      endpoint: 'http://127.0.0.1:7000',
      region: 'us-west-2',
    });
    expect(
      parseDiagnoseArgs([ARN], {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:6001',
        AWS_DEFAULT_REGION: 'ap-south-1',
      }),
    ).toMatchObject({
      endpoint: 'http://127.0.0.1:6001',
      region: 'ap-south-1',
    });
  });

  it('signs for execute-api when the endpoint is an API Gateway stage, unless told otherwise', () => {
    const deployed = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/';
    expect(parseDiagnoseArgs([ARN, '--endpoint-url', deployed, '--json'], {})).toMatchObject({
      signingName: 'execute-api',
      json: true,
    });
    expect(
      parseDiagnoseArgs([ARN, '--endpoint-url', deployed, '--signing-name', 'acm'], {}).signingName,
    ).toBe('acm');
  });

  it('refuses a missing or second ARN, a flag without its value, and unknown settings', () => {
    expect(() => parseDiagnoseArgs([], {})).toThrow(/^Usage: certwright diagnose <certificate-arn>/);
    expect(() => parseDiagnoseArgs([ARN, ARN], {})).toThrow(/^Usage: certwright diagnose/);
    expect(() => parseDiagnoseArgs([ARN, '--endpoint-url'], {})).toThrow('--endpoint-url needs a value.');
    expect(() => parseDiagnoseArgs([ARN, '--no-such-setting', 'x'], {})).toThrow(/no-such-setting/);
  });
});

describe('certwright diagnose output', () => {
  const pending: RawDescription = {
    Certificate: {
      CertificateArn: ARN,
      Status: 'PENDING_VALIDATION',
      DomainValidationOptions: [
        {
          DomainName: 'www.example.test',
          ValidationStatus: 'PENDING_VALIDATION',
          ValidationMethod: 'DNS',
          ResourceRecord: { Name: '_a.www.example.test.', Type: 'CNAME', Value: '_b.validations.test.' },
          ValidationDiagnosis: {
            CheckedAt: epoch('2026-03-01T11:59:48.000Z'),
            NextCheckAt: epoch('2026-03-01T12:04:48.000Z'),
            Outcome: 'CNAME_MISMATCH',
            Message: '_a.www.example.test is a CNAME to elsewhere.example.net, not to _b.validations.test.',
            Found: ['elsewhere.example.net'],
            Server: '127.0.0.1:53',
          },
        },
        {
          DomainName: 'example.test',
          ValidationStatus: 'SUCCESS',
          ValidationMethod: 'DNS',
          ValidationDiagnosis: {
            CheckedAt: epoch('2026-03-01T10:00:00.000Z'),
            Outcome: 'CNAME_MATCH',
            Message: 'Validated.',
          },
        },
      ],
    },
  };

  it('says per name what the last check saw, the values found, the server, and when it checked and checks next', () => {
    expect(renderDiagnosis(pending, NOW)).toBe(
      [
        `${ARN}: PENDING_VALIDATION`,
        '',
        'www.example.test: PENDING_VALIDATION (DNS validation)',
        '  Record to publish: _a.www.example.test. CNAME _b.validations.test.',
        '  CNAME_MISMATCH: _a.www.example.test is a CNAME to elsewhere.example.net, not to _b.validations.test.',
        '  Found: elsewhere.example.net',
        '  DNS server: 127.0.0.1:53',
        '  Last check: 2026-03-01T11:59:48Z (12 s ago)',
        '  Next check: 2026-03-01T12:04:48Z (in 4 min 48 s)',
        '',
        'example.test: SUCCESS (DNS validation)',
        '  CNAME_MATCH: Validated.',
        '  Last check: 2026-03-01T10:00:00Z (2 h 0 min ago)',
        '',
        'Fixed a record? Ask for a check now with CertificateManager.ValidateNow instead of waiting (see the README).',
        '',
      ].join('\n'),
    );
  });

  it('says so when the endpoint sent no diagnosis (not Certwright), and gives an issued certificate its date', () => {
    const issued: RawDescription = {
      Certificate: {
        CertificateArn: ARN,
        Status: 'ISSUED',
        IssuedAt: epoch('2026-03-01T11:00:00.000Z'),
        DomainValidationOptions: [
          { DomainName: 'example.test', ValidationStatus: 'SUCCESS', ValidationMethod: 'DNS' },
        ],
      },
    };
    const text = renderDiagnosis(issued, NOW);
    expect(text).toContain(`${ARN}: ISSUED\nIssued 2026-03-01T11:00:00Z (1 h 0 min ago).`);
    expect(text).toContain('  No diagnosis (the endpoint sent none: is it Certwright?)');
    expect(text).not.toContain('ValidateNow');
  });
});
