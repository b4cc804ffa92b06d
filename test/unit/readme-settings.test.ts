import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../functions/core/settings.ts';
import {
  LOCAL_SETTINGS,
  type LocalSettingName,
  type LocalSettings,
  loadLocalSettings,
} from '../../local/settings.ts';

// The README's settings table is the user's reference: every setting must be in it under its flag and its
// environment variable, with the default the code uses; and the loader must keep the documented precedence
// (flag, then variable, then default) and refuse bad values naming the variable.

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const NAMES = Object.keys(LOCAL_SETTINGS) as LocalSettingName[];

interface ReadmeRow {
  flag: string;
  env: string;
  defaultCell: string;
}

/** Rows of the table under `## Settings`: | `--flag` | `ENV` | default | meaning |. */
function readmeSettingsRows(): ReadmeRow[] {
  const section = README.split(/^## /m).find((part) => part.startsWith('Settings\n'));
  if (!section) throw new Error('README.md has no "## Settings" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        flag: (cells[0] ?? '').replaceAll('`', ''),
        env: (cells[1] ?? '').replaceAll('`', ''),
        defaultCell: cells[2] ?? '',
      };
    });
}

function flagOf(name: LocalSettingName): string {
  return `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

const load = (argv: string[], env: Record<string, string> = {}): LocalSettings =>
  loadLocalSettings(argv, env);

describe('README settings table', () => {
  const rows = readmeSettingsRows();

  it('is found and has one row per line of the table', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.flag)).size).toBe(rows.length);
  });

  it.each(NAMES)('documents %s with its flag and its environment variable on one row', (name) => {
    const row = rows.find((candidate) => candidate.flag === flagOf(name));
    expect(row, `no README row for ${flagOf(name)}`).toBeDefined();
    expect(row?.env).toBe(LOCAL_SETTINGS[name].env);
  });

  it('documents nothing that is not a setting', () => {
    expect(rows.map((row) => row.flag).sort()).toEqual(NAMES.map(flagOf).sort());
  });

  it.each(NAMES)('gives the default of %s that LOCAL_SETTINGS declares', (name) => {
    const row = rows.find((candidate) => candidate.flag === flagOf(name));
    const documented = (row?.defaultCell ?? '').replaceAll('`', '');
    // LOCAL_SETTINGS puts a prose default in parentheses: "(the system resolvers)".
    const declared = LOCAL_SETTINGS[name].default.replace(/^\((.*)\)$/, '$1');
    expect(documented).toBe(declared);
  });

  it('mentions no CERTWRIGHT_ variable that is neither a setting nor a test-harness variable', () => {
    const mentionedVariables = new Set(README.match(/CERTWRIGHT_[A-Z_]+/g) ?? []);
    // Test-harness variables are documented in the Tests section; everything else must be a setting.
    const harness = new Set([
      'CERTWRIGHT_AWS_CLI',
      'CERTWRIGHT_NAMED',
      'CERTWRIGHT_NSUPDATE',
      'CERTWRIGHT_FUZZ_SCALE',
    ]);
    const settingVariables = new Set<string>(NAMES.map((name) => LOCAL_SETTINGS[name].env));
    const unknown = [...mentionedVariables].filter((env) => !harness.has(env) && !settingVariables.has(env));
    expect(unknown).toEqual([]);
  });
});

describe('loadLocalSettings defaults', () => {
  it('uses the documented defaults when neither a flag nor a variable is given', () => {
    expect(load([])).toEqual({
      port: 4747,
      host: '127.0.0.1',
      dataDir: '.certwright',
      accountsFile: '.certwright/accounts.json',
      region: 'us-east-1',
      dnsResolvers: [],
      dnsTimeoutMs: 2000,
      validationDomain: 'acm-validations.certwright.internal',
      pollInitialSeconds: 5,
      pollFactor: 2,
      pollMaxSeconds: 300,
      validationTimeoutHours: 72,
      validityDays: 395,
      maxDomains: 10,
      // Unset: a new CA gets RSA_2048 (the documented default), an existing CA keeps its key.
      caKeyAlgorithm: undefined,
      caSubject: 'CN=Certwright Local Root CA,O=Certwright',
      localZones: ['certwright.internal'],
      dnsPort: 8053,
      scheduleIntervalSeconds: 86400,
      // Empty means "http://<host>:<port>", filled in once the port is known.
      publicUrl: '',
      crlUrl: undefined,
      // Unset: validation mail is written to the outbox directory.
      smtpUrl: undefined,
      outboxDir: '.certwright/outbox',
      emailSender: 'Certwright <no-reply@certwright.internal>',
      // Unset: no WHOIS lookups; EMAIL validation mails the five approver addresses only.
      whoisServer: undefined,
      caaIdentities: ['certwright'],
      // Empty lists: no name is denied, and every name may be requested.
      deniedDomains: [],
      allowedDomains: [],
      maxCertificates: 100,
      maxRequestsPerYear: 200,
      renewalWindowDays: 60,
      renewAllIssued: false,
      // Unset: Renewal Action Required is an event only, and events go to the event log only.
      notificationEmails: [],
      webhookUrls: [],
    } satisfies LocalSettings);
  });

  it('takes the policy defaults core declares', () => {
    const settings = load([]);
    expect(settings.caaIdentities).toEqual(DEFAULT_SETTINGS.caaIdentities);
    expect({ denied: settings.deniedDomains, allowed: settings.allowedDomains }).toEqual(
      DEFAULT_SETTINGS.domainPolicy,
    );
    expect({
      certificatesPerAccount: settings.maxCertificates,
      requestsPerYear: settings.maxRequestsPerYear,
    }).toEqual(DEFAULT_SETTINGS.quotas);
  });

  it('reads domain policy entries lowercased, with or without the leading dot, and allows empty lists', () => {
    expect(
      load([], { CERTWRIGHT_DENIED_DOMAINS: ' .Bank.Example , evil.example,.test' }).deniedDomains,
    ).toEqual(['.bank.example', 'evil.example', '.test']);
    expect(load([], { CERTWRIGHT_ALLOWED_DOMAINS: '' }).allowedDomains).toEqual([]);
    expect(load(['--denied-domains', ''], { CERTWRIGHT_DENIED_DOMAINS: '.example' }).deniedDomains).toEqual(
      [],
    );
    expect(load([], { CERTWRIGHT_CAA_IDENTITIES: 'certwright,LetsEncrypt.org' }).caaIdentities).toEqual([
      'certwright',
      'letsencrypt.org',
    ]);
  });

  it('derives the outbox from the data directory unless it is set itself', () => {
    expect(load([], { CERTWRIGHT_DATA_DIR: '/srv/cw' }).outboxDir).toBe('/srv/cw/outbox');
    expect(load(['--data-dir', '/opt/cw'], { CERTWRIGHT_OUTBOX_DIR: '/var/mail/cw' }).outboxDir).toBe(
      '/var/mail/cw',
    );
  });

  it('accepts SMTP URLs with TLS, credentials and IPv6 hosts, and senders with or without a name', () => {
    for (const url of ['smtps://mail.example.com', 'smtp://user:p%40ss@127.0.0.1:2525', 'smtp://[::1]:25']) {
      expect(load([], { CERTWRIGHT_SMTP_URL: url }).smtpUrl).toBe(url);
    }
    for (const sender of [
      'pki@example.com',
      'Example PKI <pki@example.com>',
      '"PKI, Example" <pki@example.com>',
    ]) {
      expect(load([], { CERTWRIGHT_EMAIL_SENDER: sender }).emailSender).toBe(sender);
    }
  });

  it('takes a WHOIS server as host, host:port or an IPv6 address, port 43 unless given', () => {
    const whois = (value: string) => load([], { CERTWRIGHT_WHOIS_SERVER: value }).whoisServer;
    expect(whois('whois.example.net')).toEqual({ host: 'whois.example.net', port: 43 });
    expect(whois('127.0.0.1:4343')).toEqual({ host: '127.0.0.1', port: 4343 });
    expect(whois('[2001:db8::43]:43')).toEqual({ host: '2001:db8::43', port: 43 });
    expect(whois('2001:db8::43')).toEqual({ host: '2001:db8::43', port: 43 });
    expect(whois('')).toBeUndefined();
  });

  it('derives the accounts file from the data directory unless it is set itself', () => {
    expect(load([], { CERTWRIGHT_DATA_DIR: '/srv/cw' }).accountsFile).toBe('/srv/cw/accounts.json');
    expect(load(['--data-dir', '/opt/cw'], { CERTWRIGHT_DATA_DIR: '/srv/cw' }).accountsFile).toBe(
      '/opt/cw/accounts.json',
    );
    expect(
      load(['--data-dir', '/opt/cw'], { CERTWRIGHT_ACCOUNTS_FILE: '/etc/cw/keys.json' }).accountsFile,
    ).toBe('/etc/cw/keys.json');
  });

  it('refuses a host that is not an IP address, a malformed region and a malformed validation domain', () => {
    expect(() => load([], { CERTWRIGHT_HOST: 'localhost' })).toThrow(/CERTWRIGHT_HOST.*'localhost'/);
    expect(() => load([], { CERTWRIGHT_REGION: 'EU-West-1' })).toThrow(/CERTWRIGHT_REGION.*'EU-West-1'/);
    expect(() => load([], { CERTWRIGHT_VALIDATION_DOMAIN: 'bad_domain' })).toThrow(
      /CERTWRIGHT_VALIDATION_DOMAIN/,
    );
    expect(load([], { CERTWRIGHT_VALIDATION_DOMAIN: 'ACM.Example.com.' }).validationDomain).toBe(
      'acm.example.com',
    );
    expect(load([], { CERTWRIGHT_HOST: '::1' }).host).toBe('::1');
  });

  it('accepts every CA key algorithm the README lists', () => {
    for (const algorithm of ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'] as const) {
      expect(load([], { CERTWRIGHT_CA_KEY_ALGORITHM: algorithm }).caKeyAlgorithm).toBe(algorithm);
    }
  });

  it('splits comma-separated lists and allows an empty list of local zones', () => {
    expect(load(['--dns-resolvers', '192.0.2.53:53, [::1]:53'], {}).dnsResolvers).toEqual([
      '192.0.2.53:53',
      '[::1]:53',
    ]);
    expect(load([], { CERTWRIGHT_LOCAL_ZONES: 'A.Example, b.example' }).localZones).toEqual([
      'a.example',
      'b.example',
    ]);
    expect(load([], { CERTWRIGHT_LOCAL_ZONES: '' }).localZones).toEqual([]);
  });
});

/** For each setting: a valid value for the variable, another for the flag, and what each loads as. */
const SAMPLES: Record<
  LocalSettingName,
  {
    env: string;
    flag: string;
    read: (settings: LocalSettings) => unknown;
    envValue: unknown;
    flagValue: unknown;
  }
> = {
  port: { env: '5000', flag: '5001', read: (s) => s.port, envValue: 5000, flagValue: 5001 },
  host: {
    env: '127.0.0.2',
    flag: '127.0.0.3',
    read: (s) => s.host,
    envValue: '127.0.0.2',
    flagValue: '127.0.0.3',
  },
  dataDir: {
    env: '/env/data',
    flag: '/flag/data',
    read: (s) => s.dataDir,
    envValue: '/env/data',
    flagValue: '/flag/data',
  },
  accountsFile: {
    env: '/env/a.json',
    flag: '/flag/a.json',
    read: (s) => s.accountsFile,
    envValue: '/env/a.json',
    flagValue: '/flag/a.json',
  },
  region: {
    env: 'eu-west-1',
    flag: 'ap-south-1',
    read: (s) => s.region,
    envValue: 'eu-west-1',
    flagValue: 'ap-south-1',
  },
  dnsResolvers: {
    env: '192.0.2.1:53',
    flag: '192.0.2.2:53,192.0.2.3:5353',
    read: (s) => s.dnsResolvers,
    envValue: ['192.0.2.1:53'],
    flagValue: ['192.0.2.2:53', '192.0.2.3:5353'],
  },
  dnsTimeoutMs: { env: '1500', flag: '2500', read: (s) => s.dnsTimeoutMs, envValue: 1500, flagValue: 2500 },
  validationDomain: {
    env: 'env.example',
    flag: 'Flag.Example',
    read: (s) => s.validationDomain,
    envValue: 'env.example',
    flagValue: 'flag.example',
  },
  pollInitialSeconds: { env: '7', flag: '9', read: (s) => s.pollInitialSeconds, envValue: 7, flagValue: 9 },
  pollFactor: { env: '3', flag: '1.5', read: (s) => s.pollFactor, envValue: 3, flagValue: 1.5 },
  pollMaxSeconds: { env: '60', flag: '120', read: (s) => s.pollMaxSeconds, envValue: 60, flagValue: 120 },
  validationTimeoutHours: {
    env: '24',
    flag: '48',
    read: (s) => s.validationTimeoutHours,
    envValue: 24,
    flagValue: 48,
  },
  validityDays: { env: '90', flag: '47', read: (s) => s.validityDays, envValue: 90, flagValue: 47 },
  maxDomains: { env: '20', flag: '100', read: (s) => s.maxDomains, envValue: 20, flagValue: 100 },
  caKeyAlgorithm: {
    env: 'EC_prime256v1',
    flag: 'EC_secp384r1',
    read: (s) => s.caKeyAlgorithm,
    envValue: 'EC_prime256v1',
    flagValue: 'EC_secp384r1',
  },
  caSubject: {
    env: 'CN=Env CA',
    flag: 'CN=Flag CA,O=Flag',
    read: (s) => s.caSubject,
    envValue: 'CN=Env CA',
    flagValue: 'CN=Flag CA,O=Flag',
  },
  localZones: {
    env: 'env.test',
    flag: 'flag.test,other.test',
    read: (s) => s.localZones,
    envValue: ['env.test'],
    flagValue: ['flag.test', 'other.test'],
  },
  dnsPort: { env: '5353', flag: '5354', read: (s) => s.dnsPort, envValue: 5353, flagValue: 5354 },
  scheduleIntervalSeconds: {
    env: '3600',
    flag: '60',
    read: (s) => s.scheduleIntervalSeconds,
    envValue: 3600,
    flagValue: 60,
  },
  crlUrl: {
    env: 'http://crl.env.example/ca.crl',
    flag: 'http://crl.flag.example/ca.crl',
    read: (s) => s.crlUrl,
    envValue: 'http://crl.env.example/ca.crl',
    flagValue: 'http://crl.flag.example/ca.crl',
  },
  publicUrl: {
    env: 'https://env.example',
    flag: 'https://flag.example',
    read: (s) => s.publicUrl,
    envValue: 'https://env.example',
    flagValue: 'https://flag.example',
  },
  smtpUrl: {
    env: 'smtp://127.0.0.1:2525',
    flag: 'smtps://mailer:secret@mail.flag.example',
    read: (s) => s.smtpUrl,
    envValue: 'smtp://127.0.0.1:2525',
    flagValue: 'smtps://mailer:secret@mail.flag.example',
  },
  outboxDir: {
    env: '/env/outbox',
    flag: '/flag/outbox',
    read: (s) => s.outboxDir,
    envValue: '/env/outbox',
    flagValue: '/flag/outbox',
  },
  emailSender: {
    env: 'pki@env.example',
    flag: 'Flag PKI <pki@flag.example>',
    read: (s) => s.emailSender,
    envValue: 'pki@env.example',
    flagValue: 'Flag PKI <pki@flag.example>',
  },
  whoisServer: {
    env: 'whois.env.example',
    flag: '[::1]:4343',
    read: (s) => s.whoisServer,
    envValue: { host: 'whois.env.example', port: 43 },
    flagValue: { host: '::1', port: 4343 },
  },
  caaIdentities: {
    env: 'pki.env.example',
    flag: 'Certwright, PKI.Flag.Example',
    read: (s) => s.caaIdentities,
    envValue: ['pki.env.example'],
    flagValue: ['certwright', 'pki.flag.example'],
  },
  deniedDomains: {
    env: '.env.example',
    flag: 'bank.flag.example,.Internal',
    read: (s) => s.deniedDomains,
    envValue: ['.env.example'],
    flagValue: ['bank.flag.example', '.internal'],
  },
  allowedDomains: {
    env: 'www.env.example',
    flag: '.flag.example, flag.example',
    read: (s) => s.allowedDomains,
    envValue: ['www.env.example'],
    flagValue: ['.flag.example', 'flag.example'],
  },
  maxCertificates: { env: '5', flag: '1000', read: (s) => s.maxCertificates, envValue: 5, flagValue: 1000 },
  maxRequestsPerYear: {
    env: '12',
    flag: '5000',
    read: (s) => s.maxRequestsPerYear,
    envValue: 12,
    flagValue: 5000,
  },
  renewalWindowDays: { env: '30', flag: '90', read: (s) => s.renewalWindowDays, envValue: 30, flagValue: 90 },
  renewAllIssued: {
    env: 'true',
    flag: 'false',
    read: (s) => s.renewAllIssued,
    envValue: true,
    flagValue: false,
  },
  notificationEmail: {
    env: 'ops@env.example',
    flag: 'a@flag.example, b@flag.example',
    read: (s) => s.notificationEmails,
    envValue: ['ops@env.example'],
    flagValue: ['a@flag.example', 'b@flag.example'],
  },
  webhookUrls: {
    env: 'http://127.0.0.1:9000/hook',
    flag: 'http://127.0.0.1:9001/a,https://hooks.example/b',
    read: (s) => s.webhookUrls,
    envValue: ['http://127.0.0.1:9000/hook'],
    flagValue: ['http://127.0.0.1:9001/a', 'https://hooks.example/b'],
  },
};

describe('loadLocalSettings precedence', () => {
  it.each(NAMES)('%s: the variable wins over the default, the flag over the variable', (name) => {
    const sample = SAMPLES[name];
    const env = { [LOCAL_SETTINGS[name].env]: sample.env };
    const defaults = sample.read(load([]));
    expect(sample.envValue).not.toEqual(defaults);
    expect(sample.read(load([], env))).toEqual(sample.envValue);
    expect(sample.read(load([flagOf(name), sample.flag], env))).toEqual(sample.flagValue);
    expect(sample.read(load([`${flagOf(name)}=${sample.flag}`], env))).toEqual(sample.flagValue);
    // A variable of another setting changes nothing here.
    const other = NAMES.find(
      (candidate) => candidate !== name && candidate !== 'accountsFile' && candidate !== 'dataDir',
    ) as LocalSettingName;
    expect(sample.read(load([], { [LOCAL_SETTINGS[other].env]: SAMPLES[other].env }))).toEqual(defaults);
  });

  it('refuses an unknown flag instead of ignoring it', () => {
    expect(() => load(['--prot', '5000'])).toThrow(/--prot/);
  });
});

describe('loadLocalSettings refuses bad values, naming the variable', () => {
  const bad: Array<[env: string, value: string]> = [
    ['CERTWRIGHT_PORT', 'abc'],
    ['CERTWRIGHT_PORT', '-1'],
    ['CERTWRIGHT_PORT', '65536'],
    ['CERTWRIGHT_PORT', '80.5'],
    ['CERTWRIGHT_PORT', ''],
    ['CERTWRIGHT_DNS_PORT', 'dns'],
    ['CERTWRIGHT_DNS_PORT', '70000'],
    ['CERTWRIGHT_DNS_TIMEOUT_MS', '0'],
    ['CERTWRIGHT_POLL_INITIAL_SECONDS', 'soon'],
    ['CERTWRIGHT_POLL_FACTOR', '0.5'],
    ['CERTWRIGHT_POLL_MAX_SECONDS', 'Infinity'],
    ['CERTWRIGHT_VALIDATION_TIMEOUT_HOURS', '-3'],
    ['CERTWRIGHT_VALIDITY_DAYS', '0'],
    ['CERTWRIGHT_MAX_DOMAINS', '0'],
    ['CERTWRIGHT_SCHEDULE_INTERVAL_SECONDS', '0'],
    ['CERTWRIGHT_MAX_DOMAINS', '2.5'],
    ['CERTWRIGHT_CA_KEY_ALGORITHM', 'DSA'],
    ['CERTWRIGHT_CA_KEY_ALGORITHM', 'RSA_4096'],
    // URLs are written into every certificate: one that is not an http(s) URL must not get that far.
    ['CERTWRIGHT_PUBLIC_URL', 'not a url'],
    ['CERTWRIGHT_CRL_URL', 'not a url'],
    // Mail must go to an SMTP server named as one, from one sender address.
    ['CERTWRIGHT_SMTP_URL', 'http://127.0.0.1:2525'],
    ['CERTWRIGHT_SMTP_URL', '127.0.0.1:25'],
    ['CERTWRIGHT_EMAIL_SENDER', 'Certwright'],
    ['CERTWRIGHT_EMAIL_SENDER', 'a@example.com, b@example.com'],
    ['CERTWRIGHT_EMAIL_SENDER', 'Certwright <no-reply>'],
    // The WHOIS query goes to one server: a host and an optional port, nothing else.
    ['CERTWRIGHT_WHOIS_SERVER', 'whois://whois.example.net'],
    ['CERTWRIGHT_WHOIS_SERVER', 'whois.example.net:0'],
    ['CERTWRIGHT_WHOIS_SERVER', 'whois.example.net:70000'],
    ['CERTWRIGHT_WHOIS_SERVER', 'whois.example.net, whois.example.org'],
    ['CERTWRIGHT_WHOIS_SERVER', '[whois.example.net]:43'],
    // CAA identities: one issuer domain name or more, no wildcards, URLs or empty lists.
    ['CERTWRIGHT_CAA_IDENTITIES', ''],
    ['CERTWRIGHT_CAA_IDENTITIES', ' , '],
    ['CERTWRIGHT_CAA_IDENTITIES', '.certwright'],
    ['CERTWRIGHT_CAA_IDENTITIES', 'https://pki.example.com'],
    ['CERTWRIGHT_CAA_IDENTITIES', 'certwright;validationmethods=dns-01'],
    // Domain policy entries: a DNS name, or one with a single leading dot; no wildcards.
    ['CERTWRIGHT_DENIED_DOMAINS', '*.example.com'],
    ['CERTWRIGHT_DENIED_DOMAINS', 'good.example, bad_name.example'],
    ['CERTWRIGHT_DENIED_DOMAINS', '..example.com'],
    ['CERTWRIGHT_DENIED_DOMAINS', '.'],
    ['CERTWRIGHT_ALLOWED_DOMAINS', '-lead.example'],
    ['CERTWRIGHT_ALLOWED_DOMAINS', 'example.com.'],
    ['CERTWRIGHT_ALLOWED_DOMAINS', `${'a'.repeat(64)}.example`],
    ['CERTWRIGHT_MAX_CERTIFICATES', '0'],
    ['CERTWRIGHT_MAX_CERTIFICATES', '10.5'],
    ['CERTWRIGHT_MAX_CERTIFICATES', 'many'],
    ['CERTWRIGHT_MAX_REQUESTS_PER_YEAR', '0'],
    ['CERTWRIGHT_MAX_REQUESTS_PER_YEAR', '-5'],
    ['CERTWRIGHT_MAX_REQUESTS_PER_YEAR', ''],
    ['CERTWRIGHT_RENEWAL_WINDOW_DAYS', '0'],
    ['CERTWRIGHT_RENEWAL_WINDOW_DAYS', '1.5'],
    ['CERTWRIGHT_RENEWAL_WINDOW_DAYS', '91'],
    ['CERTWRIGHT_RENEW_ALL_ISSUED', 'yes'],
    ['CERTWRIGHT_NOTIFICATION_EMAIL', 'ops'],
    ['CERTWRIGHT_WEBHOOK_URLS', 'ftp://127.0.0.1/hook'],
  ];

  it.each(bad)('%s=%j', (env, value) => {
    const name = NAMES.find((candidate) => LOCAL_SETTINGS[candidate].env === env) as LocalSettingName;
    let accepted: unknown;
    let message = '(nothing thrown)';
    try {
      accepted = load([], { [env]: value })[name as keyof LocalSettings];
    } catch (error) {
      message = (error as Error).message;
    }
    // On failure the diff shows what the bad value was silently loaded as.
    expect({ accepted, message }).toEqual({ accepted: undefined, message: expect.stringContaining(env) });
  });

  it('quotes the bad value and names the flag too', () => {
    expect(() => load([], { CERTWRIGHT_PORT: 'abc' })).toThrow(
      "Setting CERTWRIGHT_PORT (--port) must be an integer from 0 to 65535, not 'abc'.",
    );
    expect(() => load([], { CERTWRIGHT_CA_KEY_ALGORITHM: 'DSA' })).toThrow(/'DSA'/);
  });

  it('refuses a bad flag value naming the setting, even when the variable is good', () => {
    expect(() => load(['--port', 'abc'], { CERTWRIGHT_PORT: '5000' })).toThrow(/CERTWRIGHT_PORT.*'abc'/);
    expect(() => load(['--ca-key-algorithm', 'DSA'], { CERTWRIGHT_CA_KEY_ALGORITHM: 'RSA_2048' })).toThrow(
      /CERTWRIGHT_CA_KEY_ALGORITHM.*'DSA'/,
    );
  });

  it('lets a good flag override a bad variable', () => {
    expect(load(['--port', '5000'], { CERTWRIGHT_PORT: 'abc' }).port).toBe(5000);
  });

  it('accepts the edges the README documents: port 0 picks a free port', () => {
    expect(load([], { CERTWRIGHT_PORT: '0', CERTWRIGHT_DNS_PORT: '0' })).toMatchObject({
      port: 0,
      dnsPort: 0,
    });
    expect(load([], { CERTWRIGHT_PORT: '65535' }).port).toBe(65535);
  });
});
