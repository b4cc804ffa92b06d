import { describe, expect, it } from 'vitest';
import {
  AWS_ENV,
  awsSettingsFromEnv,
  certwrightSettings,
  type Environment,
  partitionOf,
  required,
} from '../../../functions/adapters/aws/aws-environment.ts';
import { DEFAULT_SETTINGS } from '../../../functions/core/settings.ts';

const MINIMAL: Environment = {
  AWS_REGION: 'eu-west-1',
  CERTWRIGHT_TABLE_NAME: 'certwright-table',
  CERTWRIGHT_VALIDATION_DOMAIN: 'acm-validations.example.com',
};

function withEnv(overrides: Environment): Environment {
  return { ...MINIMAL, ...overrides };
}

describe('awsSettingsFromEnv', () => {
  it('takes ACM defaults for everything that has one', () => {
    const aws = awsSettingsFromEnv(MINIMAL);
    expect(aws).toEqual({
      settings: { ...DEFAULT_SETTINGS, partition: 'aws', region: 'eu-west-1', approvalBaseUrl: '' },
      tableName: 'certwright-table',
      validationDomain: 'acm-validations.example.com',
      caKeyId: undefined,
      vaultKeyId: undefined,
      macKeyId: undefined,
      stateMachineArn: undefined,
      eventBusName: undefined,
      hostedZones: [],
      dnsResolvers: [],
      emailSender: undefined,
      sesIdentityArn: undefined,
      whoisServer: undefined,
    });
    expect(aws.settings.profile.caIssuersUrl).toBeUndefined();
    expect(aws.settings.profile.crlUrl).toBeUndefined();
    expect(certwrightSettings(aws)).toEqual({
      ...DEFAULT_SETTINGS,
      partition: 'aws',
      region: 'eu-west-1',
      validationDomain: 'acm-validations.example.com',
      approvalBaseUrl: '',
    });
  });

  it('reads every variable of the contract', () => {
    const aws = awsSettingsFromEnv(
      withEnv({
        CERTWRIGHT_CA_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/ca',
        CERTWRIGHT_VAULT_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/vault',
        CERTWRIGHT_MAC_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/mac',
        CERTWRIGHT_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:certwright',
        CERTWRIGHT_EVENT_BUS_NAME: 'certwright-events',
        CERTWRIGHT_HOSTED_ZONES: '[{"zoneName":"example.com","hostedZoneId":"Z0123456789ABC"}]',
        CERTWRIGHT_VALIDATION_DOMAIN: 'ACM-Validations.Example.COM.',
        CERTWRIGHT_VALIDITY_DAYS: '90',
        CERTWRIGHT_MAX_DOMAINS: '25',
        CERTWRIGHT_POLL_INITIAL_SECONDS: '10',
        CERTWRIGHT_POLL_FACTOR: '1.5',
        CERTWRIGHT_POLL_MAX_SECONDS: '600',
        CERTWRIGHT_VALIDATION_TIMEOUT_HOURS: '24',
        CERTWRIGHT_CA_ISSUERS_URL: 'https://pki.example.com/ca.crt',
        CERTWRIGHT_CRL_URL: 'http://pki.example.com/ca.crl',
        CERTWRIGHT_DNS_RESOLVERS: '192.0.2.53:53, 198.51.100.1,[2001:db8::1]:5353',
        CERTWRIGHT_APPROVAL_BASE_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1/',
        CERTWRIGHT_EMAIL_SENDER: 'Example PKI <pki@example.com>',
        CERTWRIGHT_SES_IDENTITY_ARN: 'arn:aws:ses:eu-west-1:111122223333:identity/example.com',
        CERTWRIGHT_WHOIS_SERVER: 'whois.example.net:4343',
        CERTWRIGHT_CAA_IDENTITIES: 'Certwright, pki.example.com',
        CERTWRIGHT_DENIED_DOMAINS: '.Bank.Example,evil.example',
        CERTWRIGHT_ALLOWED_DOMAINS: '.example.com, example.org',
        CERTWRIGHT_MAX_CERTIFICATES: '500',
        CERTWRIGHT_MAX_REQUESTS_PER_YEAR: '1000',
        CERTWRIGHT_RENEWAL_WINDOW_DAYS: '30',
        CERTWRIGHT_RENEW_ALL_ISSUED: 'true',
        CERTWRIGHT_NOTIFICATION_EMAIL: 'pki@example.com, oncall@example.com',
      }),
    );
    expect(certwrightSettings(aws)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      validationDomain: 'acm-validations.example.com',
      approvalBaseUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1',
      validationTimeoutHours: 24,
      maxDomainsPerCertificate: 25,
      pollSchedule: { initialSeconds: 10, factor: 1.5, maxSeconds: 600 },
      profile: {
        validityDays: 90,
        policyOids: DEFAULT_SETTINGS.profile.policyOids,
        caIssuersUrl: 'https://pki.example.com/ca.crt',
        crlUrl: 'http://pki.example.com/ca.crl',
      },
      caaIdentities: ['certwright', 'pki.example.com'],
      domainPolicy: {
        denied: ['.bank.example', 'evil.example'],
        allowed: ['.example.com', 'example.org'],
      },
      quotas: { certificatesPerAccount: 500, requestsPerYear: 1000 },
      renewal: {
        windowDays: 30,
        renewAllIssued: true,
        notificationEmails: ['pki@example.com', 'oncall@example.com'],
      },
    });
    expect(aws.caKeyId).toBe('arn:aws:kms:eu-west-1:111122223333:key/ca');
    expect(aws.vaultKeyId).toBe('arn:aws:kms:eu-west-1:111122223333:key/vault');
    expect(required(aws, 'macKeyId')).toBe('arn:aws:kms:eu-west-1:111122223333:key/mac');
    expect(required(aws, 'stateMachineArn')).toBe(
      'arn:aws:states:eu-west-1:111122223333:stateMachine:certwright',
    );
    expect(required(aws, 'eventBusName')).toBe('certwright-events');
    expect(aws.hostedZones).toEqual([{ zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' }]);
    expect(aws.dnsResolvers).toEqual(['192.0.2.53:53', '198.51.100.1', '[2001:db8::1]:5353']);
    expect(aws.emailSender).toBe('Example PKI <pki@example.com>');
    expect(aws.sesIdentityArn).toBe('arn:aws:ses:eu-west-1:111122223333:identity/example.com');
    expect(aws.whoisServer).toEqual({ host: 'whois.example.net', port: 4343 });
  });

  it('takes a WHOIS server without a port as port 43, and an IPv6 one in brackets', () => {
    expect(awsSettingsFromEnv(withEnv({ CERTWRIGHT_WHOIS_SERVER: 'whois.example.net' })).whoisServer).toEqual(
      {
        host: 'whois.example.net',
        port: 43,
      },
    );
    expect(awsSettingsFromEnv(withEnv({ CERTWRIGHT_WHOIS_SERVER: '[2001:db8::43]:43' })).whoisServer).toEqual(
      { host: '2001:db8::43', port: 43 },
    );
    expect(awsSettingsFromEnv(withEnv({ CERTWRIGHT_WHOIS_SERVER: ' ' })).whoisServer).toBeUndefined();
  });

  it('takes a bare sender address, and an identity ARN of an address identity', () => {
    const aws = awsSettingsFromEnv(
      withEnv({
        CERTWRIGHT_EMAIL_SENDER: 'pki@example.com',
        CERTWRIGHT_SES_IDENTITY_ARN: 'arn:aws-cn:ses:cn-north-1:111122223333:identity/pki@example.com',
      }),
    );
    expect(aws.emailSender).toBe('pki@example.com');
    expect(aws.sesIdentityArn).toBe('arn:aws-cn:ses:cn-north-1:111122223333:identity/pki@example.com');
  });

  it('derives the partition from the region unless AWS_PARTITION is set', () => {
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(awsSettingsFromEnv(withEnv({ AWS_REGION: 'cn-northwest-1' })).settings.partition).toBe('aws-cn');
    expect(awsSettingsFromEnv(withEnv({ AWS_REGION: 'us-gov-east-1' })).settings.partition).toBe(
      'aws-us-gov',
    );
    expect(awsSettingsFromEnv(withEnv({ AWS_PARTITION: 'aws-iso' })).settings.partition).toBe('aws-iso');
  });

  it('takes an empty policy variable as unset, and a lone label as a CAA identity or a policy entry', () => {
    const aws = awsSettingsFromEnv(
      withEnv({
        CERTWRIGHT_CAA_IDENTITIES: '',
        CERTWRIGHT_DENIED_DOMAINS: '',
        CERTWRIGHT_ALLOWED_DOMAINS: ' ',
      }),
    );
    expect(aws.settings.caaIdentities).toEqual(DEFAULT_SETTINGS.caaIdentities);
    expect(aws.settings.domainPolicy).toEqual({ denied: [], allowed: [] });
    const single = awsSettingsFromEnv(
      withEnv({ CERTWRIGHT_CAA_IDENTITIES: 'internalca', CERTWRIGHT_DENIED_DOMAINS: '.test, localhost' }),
    );
    expect(single.settings.caaIdentities).toEqual(['internalca']);
    expect(single.settings.domainPolicy.denied).toEqual(['.test', 'localhost']);
  });

  it('accepts an empty hosted zone list', () => {
    expect(awsSettingsFromEnv(withEnv({ CERTWRIGHT_HOSTED_ZONES: '[]' })).hostedZones).toEqual([]);
  });

  it.each([['AWS_REGION'], ['CERTWRIGHT_TABLE_NAME']])('refuses a missing %s, naming it', (variable) => {
    expect(() => awsSettingsFromEnv(withEnv({ [variable]: undefined }))).toThrow(
      `The environment variable ${variable} is not set`,
    );
    expect(() => awsSettingsFromEnv(withEnv({ [variable]: '  ' }))).toThrow(variable);
  });

  it('needs the validation domain only where the whole settings are asked for (the API)', () => {
    const aws = awsSettingsFromEnv(withEnv({ CERTWRIGHT_VALIDATION_DOMAIN: undefined }));
    expect(aws.validationDomain).toBeUndefined();
    expect(aws.settings.profile.validityDays).toBe(DEFAULT_SETTINGS.profile.validityDays);
    expect(() => certwrightSettings(aws)).toThrow(
      'The environment variable CERTWRIGHT_VALIDATION_DOMAIN is not set',
    );
  });

  it('names the missing variable of a function-specific setting', () => {
    const aws = awsSettingsFromEnv(MINIMAL);
    expect(() => required(aws, 'caKeyId')).toThrow('CERTWRIGHT_CA_KEY_ID is not set');
    expect(() => required(aws, 'vaultKeyId')).toThrow('CERTWRIGHT_VAULT_KEY_ID is not set');
    expect(() => required(aws, 'macKeyId')).toThrow('CERTWRIGHT_MAC_KEY_ID is not set');
    expect(() => required(aws, 'stateMachineArn')).toThrow('CERTWRIGHT_STATE_MACHINE_ARN is not set');
    expect(() => required(aws, 'eventBusName')).toThrow('CERTWRIGHT_EVENT_BUS_NAME is not set');
  });

  it.each([
    ['AWS_REGION', 'Europe'],
    ['AWS_PARTITION', 'amazon'],
    ['CERTWRIGHT_VALIDATION_DOMAIN', 'not a domain'],
    ['CERTWRIGHT_VALIDITY_DAYS', '0'],
    ['CERTWRIGHT_VALIDITY_DAYS', '1.5'],
    ['CERTWRIGHT_VALIDITY_DAYS', 'a year'],
    ['CERTWRIGHT_MAX_DOMAINS', '101'],
    ['CERTWRIGHT_POLL_INITIAL_SECONDS', '0'],
    ['CERTWRIGHT_POLL_FACTOR', '0.5'],
    ['CERTWRIGHT_POLL_MAX_SECONDS', 'x'],
    ['CERTWRIGHT_VALIDATION_TIMEOUT_HOURS', '-1'],
    ['CERTWRIGHT_CA_ISSUERS_URL', 'ftp://example.com/ca.crt'],
    ['CERTWRIGHT_CRL_URL', 'not a url'],
    ['CERTWRIGHT_HOSTED_ZONES', '{"zoneName":"example.com"}'],
    ['CERTWRIGHT_HOSTED_ZONES', '[{"zoneName":"example.com"}]'],
    ['CERTWRIGHT_HOSTED_ZONES', 'example.com=Z123'],
    ['CERTWRIGHT_DNS_RESOLVERS', 'dns.example.com:53'],
    ['CERTWRIGHT_DNS_RESOLVERS', '192.0.2.53:99999'],
    ['CERTWRIGHT_APPROVAL_BASE_URL', 'abc123.execute-api.eu-west-1.amazonaws.com/v1'],
    ['CERTWRIGHT_EMAIL_SENDER', 'Example PKI'],
    ['CERTWRIGHT_EMAIL_SENDER', 'a@example.com, b@example.com'],
    ['CERTWRIGHT_SES_IDENTITY_ARN', 'example.com'],
    ['CERTWRIGHT_SES_IDENTITY_ARN', 'arn:aws:sesv2:eu-west-1:111122223333:identity/example.com'],
    ['CERTWRIGHT_WHOIS_SERVER', 'whois://whois.example.net'],
    ['CERTWRIGHT_WHOIS_SERVER', 'whois.example.net:99999'],
    ['CERTWRIGHT_CAA_IDENTITIES', ',,'],
    ['CERTWRIGHT_CAA_IDENTITIES', '.certwright'],
    ['CERTWRIGHT_CAA_IDENTITIES', 'certwright; account=1'],
    ['CERTWRIGHT_DENIED_DOMAINS', '*.example.com'],
    ['CERTWRIGHT_DENIED_DOMAINS', 'good.example,bad_name.example'],
    ['CERTWRIGHT_ALLOWED_DOMAINS', '..example.com'],
    ['CERTWRIGHT_ALLOWED_DOMAINS', 'example.com.'],
    ['CERTWRIGHT_MAX_CERTIFICATES', '0'],
    ['CERTWRIGHT_MAX_CERTIFICATES', '2.5'],
    ['CERTWRIGHT_MAX_REQUESTS_PER_YEAR', 'unlimited'],
    ['CERTWRIGHT_MAX_REQUESTS_PER_YEAR', '-1'],
    ['CERTWRIGHT_RENEWAL_WINDOW_DAYS', '0'],
    ['CERTWRIGHT_RENEWAL_WINDOW_DAYS', '91'],
    ['CERTWRIGHT_RENEW_ALL_ISSUED', 'yes'],
    ['CERTWRIGHT_NOTIFICATION_EMAIL', 'pki@example.com; ops'],
  ])('refuses %s=%s, naming the variable and the value', (variable, value) => {
    expect(() => awsSettingsFromEnv(withEnv({ [variable]: value }))).toThrow(
      `The environment variable ${variable} must be`,
    );
    expect(() => awsSettingsFromEnv(withEnv({ [variable]: value }))).toThrow(`not '${value}'`);
  });

  it('knows one variable for each setting of the contract', () => {
    expect(Object.values(AWS_ENV).sort()).toEqual(
      [
        'AWS_PARTITION',
        'AWS_REGION',
        'CERTWRIGHT_ALLOWED_DOMAINS',
        'CERTWRIGHT_APPROVAL_BASE_URL',
        'CERTWRIGHT_CAA_IDENTITIES',
        'CERTWRIGHT_CA_ISSUERS_URL',
        'CERTWRIGHT_CA_KEY_ID',
        'CERTWRIGHT_CHECK_VALIDATION_FUNCTION_ARN',
        'CERTWRIGHT_CRL_BUCKET',
        'CERTWRIGHT_CRL_FUNCTION_ARN',
        'CERTWRIGHT_CRL_KEY',
        'CERTWRIGHT_CRL_URL',
        'CERTWRIGHT_DENIED_DOMAINS',
        'CERTWRIGHT_DNS_RESOLVERS',
        'CERTWRIGHT_EMAIL_SENDER',
        'CERTWRIGHT_EVENT_BUS_NAME',
        'CERTWRIGHT_HOSTED_ZONES',
        'CERTWRIGHT_MAC_KEY_ID',
        'CERTWRIGHT_MAX_CERTIFICATES',
        'CERTWRIGHT_MAX_DOMAINS',
        'CERTWRIGHT_MAX_REQUESTS_PER_YEAR',
        'CERTWRIGHT_NOTIFICATION_EMAIL',
        'CERTWRIGHT_RENEWAL_WINDOW_DAYS',
        'CERTWRIGHT_RENEW_ALL_ISSUED',
        'CERTWRIGHT_POLL_FACTOR',
        'CERTWRIGHT_POLL_INITIAL_SECONDS',
        'CERTWRIGHT_POLL_MAX_SECONDS',
        'CERTWRIGHT_SES_IDENTITY_ARN',
        'CERTWRIGHT_STATE_MACHINE_ARN',
        'CERTWRIGHT_TABLE_NAME',
        'CERTWRIGHT_VALIDATION_DOMAIN',
        'CERTWRIGHT_VALIDATION_TIMEOUT_HOURS',
        'CERTWRIGHT_VALIDITY_DAYS',
        'CERTWRIGHT_VAULT_KEY_ID',
        'CERTWRIGHT_WHOIS_SERVER',
      ].sort(),
    );
  });
});
