import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { parseWhoisServer, type WhoisServer } from '../functions/adapters/dns/whois-client.ts';
import { parseSmtpUrl } from '../functions/adapters/local/smtp-mailer.ts';
import type { CaKeyAlgorithm } from '../functions/core/model.ts';
import { MAX_RENEWAL_WINDOW_DAYS } from '../functions/core/settings.ts';

/** Every setting of the local stack: an environment variable, the same as a CLI flag, and a default. */
export const LOCAL_SETTINGS = {
  port: {
    env: 'CERTWRIGHT_PORT',
    default: '4747',
    help: 'TCP port of the ACM API and the CA download URLs.',
  },
  host: {
    env: 'CERTWRIGHT_HOST',
    default: '127.0.0.1',
    help: 'IP address the API and DNS servers listen on (an IPv4 or IPv6 literal).',
  },
  dataDir: {
    env: 'CERTWRIGHT_DATA_DIR',
    default: '.certwright',
    help: 'Where the table, CA key, CA certificate, secrets and zones live.',
  },
  accountsFile: {
    env: 'CERTWRIGHT_ACCOUNTS_FILE',
    default: '<data-dir>/accounts.json',
    help: 'Access keys and the account each maps to; created with a fresh key on first start.',
  },
  region: {
    env: 'CERTWRIGHT_REGION',
    default: 'us-east-1',
    help: 'The region in ARNs; requests must be signed for it.',
  },
  dnsResolvers: {
    env: 'CERTWRIGHT_DNS_RESOLVERS',
    default: '(the system resolvers)',
    help: 'Comma-separated host:port DNS servers that validation queries.',
  },
  dnsTimeoutMs: {
    env: 'CERTWRIGHT_DNS_TIMEOUT_MS',
    default: '2000',
    help: 'Timeout of one DNS query, in milliseconds.',
  },
  validationDomain: {
    env: 'CERTWRIGHT_VALIDATION_DOMAIN',
    default: 'acm-validations.certwright.internal',
    help: 'Domain under which validation CNAMEs point.',
  },
  pollInitialSeconds: {
    env: 'CERTWRIGHT_POLL_INITIAL_SECONDS',
    default: '5',
    help: 'Wait after the first validation check (the first runs at once).',
  },
  pollFactor: {
    env: 'CERTWRIGHT_POLL_FACTOR',
    default: '2',
    help: 'Each wait is the previous one times this factor.',
  },
  pollMaxSeconds: {
    env: 'CERTWRIGHT_POLL_MAX_SECONDS',
    default: '300',
    help: 'Longest wait between two validation checks.',
  },
  validationTimeoutHours: {
    env: 'CERTWRIGHT_VALIDATION_TIMEOUT_HOURS',
    default: '72',
    help: 'Hours before an unvalidated request becomes VALIDATION_TIMED_OUT.',
  },
  validityDays: {
    env: 'CERTWRIGHT_VALIDITY_DAYS',
    default: '395',
    help: 'Validity of issued certificates, in days.',
  },
  maxDomains: { env: 'CERTWRIGHT_MAX_DOMAINS', default: '10', help: 'Most domain names on one certificate.' },
  caKeyAlgorithm: {
    env: 'CERTWRIGHT_CA_KEY_ALGORITHM',
    default: 'RSA_2048',
    help: 'Key of a new local CA: RSA_2048, EC_prime256v1 or EC_secp384r1. An existing CA keeps its key.',
  },
  caSubject: {
    env: 'CERTWRIGHT_CA_SUBJECT',
    default: 'CN=Certwright Local Root CA,O=Certwright',
    help: 'Subject of a new local CA.',
  },
  localZones: {
    env: 'CERTWRIGHT_LOCAL_ZONES',
    default: 'certwright.internal',
    help: 'Comma-separated zones served by the embedded DNS server; validation records for names in them are created automatically. Empty: none.',
  },
  dnsPort: {
    env: 'CERTWRIGHT_DNS_PORT',
    default: '8053',
    help: 'UDP and TCP port of the embedded DNS server.',
  },
  crlUrl: {
    env: 'CERTWRIGHT_CRL_URL',
    default: '<public-url>/ca.crl',
    help: 'URL written into the CRL distribution point of issued certificates. Unset: the CRL this stack publishes and serves at /ca.crl; set it when the CRL is copied elsewhere.',
  },
  publicUrl: {
    env: 'CERTWRIGHT_PUBLIC_URL',
    default: 'http://<host>:<port>',
    help: 'Base URL written into certificates (the CA issuers URL, where /ca.crt is served).',
  },
  scheduleIntervalSeconds: {
    env: 'CERTWRIGHT_SCHEDULE_INTERVAL_SECONDS',
    default: '86400',
    help: 'Seconds between two runs of the schedule, which expires certificates past their NotAfter; it also runs at start.',
  },
  smtpUrl: {
    env: 'CERTWRIGHT_SMTP_URL',
    default: '(none)',
    help: 'SMTP server that validation mail is sent through: smtp://host:port (STARTTLS when offered) or smtps://host:port, with user:password@ for SMTP AUTH. Unset: mail is written to the outbox directory.',
  },
  outboxDir: {
    env: 'CERTWRIGHT_OUTBOX_DIR',
    default: '<data-dir>/outbox',
    help: 'Where validation mail is written, one .eml file per message, when no SMTP server is set.',
  },
  emailSender: {
    env: 'CERTWRIGHT_EMAIL_SENDER',
    default: 'Certwright <no-reply@certwright.internal>',
    help: 'The From of validation mail: an address, or Name <address>.',
  },
  whoisServer: {
    env: 'CERTWRIGHT_WHOIS_SERVER',
    default: '(none)',
    help: 'WHOIS server (host or host:port, port 43 by default) whose registrant, admin and tech contacts EMAIL validation mails besides the five approver addresses. Unset: no WHOIS lookups.',
  },
  caaIdentities: {
    env: 'CERTWRIGHT_CAA_IDENTITIES',
    default: 'certwright',
    help: 'Comma-separated CAA issuer domain names that mean this CA: a CAA issue or issuewild record naming one of them permits issuance. At least one.',
  },
  deniedDomains: {
    env: 'CERTWRIGHT_DENIED_DOMAINS',
    default: '(none)',
    help: 'Comma-separated names never certified: example.com is that name only, .example.com is it and every name below it. A certificate for one ends FAILED (DOMAIN_NOT_ALLOWED).',
  },
  allowedDomains: {
    env: 'CERTWRIGHT_ALLOWED_DOMAINS',
    default: '(none)',
    help: 'Comma-separated names that may be requested (example.com: that name only; .example.com: it and every name below it); a request for any other name is refused. Empty: every name.',
  },
  maxCertificates: {
    env: 'CERTWRIGHT_MAX_CERTIFICATES',
    default: '100',
    help: 'Most certificates one account may hold, in every status (expired included).',
  },
  maxRequestsPerYear: {
    env: 'CERTWRIGHT_MAX_REQUESTS_PER_YEAR',
    default: '200',
    help: 'Most certificates one account may request in any 365 days, deleted ones included.',
  },
  renewalWindowDays: {
    env: 'CERTWRIGHT_RENEWAL_WINDOW_DAYS',
    default: '60',
    help: 'Managed renewal of an eligible certificate starts this many days before its NotAfter (1 to 90).',
  },
  renewAllIssued: {
    env: 'CERTWRIGHT_RENEW_ALL_ISSUED',
    default: 'false',
    help: 'true: every certificate this stack issued is eligible for managed renewal; false: only those in use or exported, as ACM.',
  },
  notificationEmail: {
    env: 'CERTWRIGHT_NOTIFICATION_EMAIL',
    default: '(none)',
    help: 'Comma-separated addresses that Renewal Action Required notices are mailed to. Unset: the events only.',
  },
  webhookUrls: {
    env: 'CERTWRIGHT_WEBHOOK_URLS',
    default: '(none)',
    help: 'Comma-separated http(s) URLs every certificate event is POSTed to as JSON (EventBridge envelope), retried with backoff. Unset: the event log only.',
  },
} as const;

export type LocalSettingName = keyof typeof LOCAL_SETTINGS;

export interface LocalSettings {
  port: number;
  host: string;
  dataDir: string;
  accountsFile: string;
  region: string;
  dnsResolvers: string[];
  dnsTimeoutMs: number;
  validationDomain: string;
  pollInitialSeconds: number;
  pollFactor: number;
  pollMaxSeconds: number;
  validationTimeoutHours: number;
  validityDays: number;
  maxDomains: number;
  /** Undefined when not set: a new CA gets RSA_2048, an existing one keeps its key. */
  caKeyAlgorithm?: CaKeyAlgorithm;
  caSubject: string;
  localZones: string[];
  dnsPort: number;
  publicUrl: string;
  /** Undefined when not set: `<public URL>/ca.crl`, the CRL the stack serves. */
  crlUrl?: string;
  scheduleIntervalSeconds: number;
  /** Undefined when not set: mail goes to the outbox directory. */
  smtpUrl?: string;
  outboxDir: string;
  emailSender: string;
  /** Undefined when not set: EMAIL validation mails only the approver addresses. */
  whoisServer?: WhoisServer;
  /** CAA issuer domain names that mean this CA; never empty. */
  caaIdentities: string[];
  /** Domain policy entries: `example.com` (that name), `.example.com` (it and everything below). */
  deniedDomains: string[];
  /** Empty: every name may be requested. */
  allowedDomains: string[];
  maxCertificates: number;
  maxRequestsPerYear: number;
  renewalWindowDays: number;
  renewAllIssued: boolean;
  notificationEmails: string[];
  webhookUrls: string[];
}

const CA_ALGORITHMS: CaKeyAlgorithm[] = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'];
/** The region part of an ARN, as the ARN parser accepts it. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const DNS_NAME_PATTERN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
/** A CAA issuer domain name or a domain policy entry's name: one label or more (`.internal` covers a TLD). */
const NAME_PATTERN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;

function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function invalid(name: LocalSettingName, expected: string, raw: string): Error {
  return new Error(
    `Setting ${LOCAL_SETTINGS[name].env} (--${flagName(name)}) must be ${expected}, not '${raw}'.`,
  );
}

function number(
  name: LocalSettingName,
  raw: string,
  range: { min: number; max?: number; integer?: boolean },
): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  const { min, max = Number.MAX_SAFE_INTEGER, integer = false } = range;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw invalid(name, `${kind} from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`, raw);
  }
  return value;
}

function httpUrl(name: LocalSettingName, raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !['http:', 'https:'].includes(new URL(raw).protocol)) {
    throw invalid(name, 'an http or https URL', raw);
  }
  return raw;
}

const PORT = { min: 0, max: 65535, integer: true };

function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    parseSmtpUrl(raw);
  } catch {
    throw invalid('smtpUrl', 'an smtp:// or smtps:// URL', raw);
  }
  return raw;
}

function whoisServer(raw: string | undefined): WhoisServer | undefined {
  if (!raw) return undefined;
  try {
    return parseWhoisServer(raw);
  } catch {
    throw invalid('whoisServer', 'a host or host:port (IPv6 as [::1]:43)', raw);
  }
}

/** `Name <address>` or a bare address, one of them. */
function emailSender(raw: string): string {
  const address = /<([^<>]*)>\s*$/.exec(raw)?.[1] ?? raw;
  if (!/^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/.test(address.trim()))
    throw invalid('emailSender', 'an address or Name <address>', raw);
  return raw;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** CAA issuer domain names (RFC 8659), lowercased: one or more. */
function caaIdentities(raw: string): string[] {
  const names = list(raw).map((name) => name.toLowerCase());
  if (names.length === 0 || !names.every((name) => NAME_PATTERN.test(name)))
    throw invalid('caaIdentities', 'one or more comma-separated issuer domain names', raw);
  return names;
}

/** Domain policy entries, lowercased: `example.com` or `.example.com`; none is an empty list. */
function domainList(name: 'deniedDomains' | 'allowedDomains', raw: string): string[] {
  const entries = list(raw).map((entry) => entry.toLowerCase());
  if (!entries.every((entry) => NAME_PATTERN.test(entry.startsWith('.') ? entry.slice(1) : entry)))
    throw invalid(name, 'comma-separated DNS names (.example.com for it and every name below it)', raw);
  return entries;
}

function flag(name: LocalSettingName, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalid(name, 'true or false', raw);
}

function emailAddresses(raw: string): string[] {
  const addresses = list(raw);
  if (!addresses.every((address) => /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/.test(address)))
    throw invalid('notificationEmail', 'comma-separated email addresses', raw);
  return addresses;
}

function httpUrls(raw: string): string[] {
  const urls = list(raw);
  for (const url of urls) httpUrl('webhookUrls', url);
  return urls;
}

/** Reads settings from CLI flags first, then the environment, then the defaults. */
export function loadLocalSettings(argv: string[], env: NodeJS.ProcessEnv): LocalSettings {
  const names = Object.keys(LOCAL_SETTINGS) as LocalSettingName[];
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(names.map((name) => [flagName(name), { type: 'string' as const }])),
    strict: true,
  });
  const raw = (name: LocalSettingName): string | undefined =>
    (values[flagName(name)] as string | undefined) ?? env[LOCAL_SETTINGS[name].env];
  const get = (name: LocalSettingName): string => raw(name) ?? LOCAL_SETTINGS[name].default;

  const caKeyAlgorithm = raw('caKeyAlgorithm') as CaKeyAlgorithm | undefined;
  if (caKeyAlgorithm !== undefined && !CA_ALGORITHMS.includes(caKeyAlgorithm)) {
    throw invalid('caKeyAlgorithm', `one of ${CA_ALGORITHMS.join(', ')}`, caKeyAlgorithm);
  }
  const region = get('region');
  if (!REGION_PATTERN.test(region)) throw invalid('region', 'a region name such as us-east-1', region);
  const validationDomain = get('validationDomain').toLowerCase().replace(/\.$/, '');
  if (!DNS_NAME_PATTERN.test(validationDomain))
    throw invalid('validationDomain', 'a DNS name', validationDomain);
  const dataDir = get('dataDir');
  const host = get('host');
  if (isIP(host) === 0) throw invalid('host', 'an IPv4 or IPv6 address', host);
  const port = number('port', get('port'), PORT);
  return {
    port,
    host,
    dataDir,
    accountsFile: raw('accountsFile') ?? `${dataDir}/accounts.json`,
    region,
    dnsResolvers: list(raw('dnsResolvers') ?? ''),
    dnsTimeoutMs: number('dnsTimeoutMs', get('dnsTimeoutMs'), { min: 1, integer: true }),
    validationDomain,
    pollInitialSeconds: number('pollInitialSeconds', get('pollInitialSeconds'), { min: 1, integer: true }),
    pollFactor: number('pollFactor', get('pollFactor'), { min: 1 }),
    pollMaxSeconds: number('pollMaxSeconds', get('pollMaxSeconds'), { min: 1, integer: true }),
    validationTimeoutHours: number('validationTimeoutHours', get('validationTimeoutHours'), { min: 0 }),
    validityDays: number('validityDays', get('validityDays'), { min: 1, integer: true }),
    maxDomains: number('maxDomains', get('maxDomains'), { min: 1, max: 100, integer: true }),
    caKeyAlgorithm,
    caSubject: get('caSubject'),
    localZones: list(get('localZones')).map((zone) => zone.toLowerCase()),
    dnsPort: number('dnsPort', get('dnsPort'), PORT),
    publicUrl: httpUrl('publicUrl', raw('publicUrl')) ?? '',
    crlUrl: httpUrl('crlUrl', raw('crlUrl')),
    scheduleIntervalSeconds: number('scheduleIntervalSeconds', get('scheduleIntervalSeconds'), {
      min: 1,
      integer: true,
    }),
    smtpUrl: smtpUrl(raw('smtpUrl')),
    outboxDir: raw('outboxDir') || `${dataDir}/outbox`,
    emailSender: emailSender(get('emailSender')),
    whoisServer: whoisServer(raw('whoisServer')),
    caaIdentities: caaIdentities(get('caaIdentities')),
    deniedDomains: domainList('deniedDomains', raw('deniedDomains') ?? ''),
    allowedDomains: domainList('allowedDomains', raw('allowedDomains') ?? ''),
    maxCertificates: number('maxCertificates', get('maxCertificates'), { min: 1, integer: true }),
    maxRequestsPerYear: number('maxRequestsPerYear', get('maxRequestsPerYear'), { min: 1, integer: true }),
    renewalWindowDays: number('renewalWindowDays', get('renewalWindowDays'), {
      min: 1,
      max: MAX_RENEWAL_WINDOW_DAYS,
      integer: true,
    }),
    renewAllIssued: flag('renewAllIssued', get('renewAllIssued')),
    notificationEmails: emailAddresses(raw('notificationEmail') ?? ''),
    webhookUrls: httpUrls(raw('webhookUrls') ?? ''),
  };
}
