/**
 * Deploy settings of the AWS stack, read from CDK context: cdk.json holds the defaults, `-c key=value` on
 * the command line overrides them. Every value is checked here, so a bad setting stops `cdk synth` with a
 * message naming the setting instead of deploying something that fails at run time.
 */
import { readFileSync } from 'node:fs';
import type { Node } from 'constructs';
import 'reflect-metadata';
import { Name } from '@peculiar/x509';
import { parseWhoisServer } from '../functions/adapters/dns/whois-client.ts';
import { MAX_CA_VALIDITY_YEARS } from '../functions/core/issuance/bootstrap-ca.ts';
import { MAX_RENEWAL_WINDOW_DAYS } from '../functions/core/settings.ts';
import { pollDelaySeconds } from '../functions/core/validation/poll-schedule.ts';

export const CA_KEY_SPECS = ['RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P384'] as const;
export const CA_MODES = ['ROOT', 'INTERMEDIATE'] as const;
export type CaMode = (typeof CA_MODES)[number];
export type CaKeySpec = (typeof CA_KEY_SPECS)[number];

export interface HostedZoneSetting {
  /** The zone's apex, without the trailing dot: `example.com`. */
  zoneName: string;
  /** Route 53's id, without the `/hostedzone/` prefix: `Z0123456789ABCDEFGHIJ`. */
  hostedZoneId: string;
}

export interface DeploySettings {
  validationDomain: string;
  hostedZones: HostedZoneSetting[];
  caKeySpec: CaKeySpec;
  /** Distinguished name of the CA certificate the bootstrap makes at the first deploy. */
  caSubject: string;
  /** Validity of that CA certificate, in years. */
  caValidityYears: number;
  /** ROOT: the CA key makes a self-signed root. INTERMEDIATE: it asks an external root to sign a CSR. */
  caMode: CaMode;
  /** INTERMEDIATE, second deploy: the certificate the external root signed, and the chain above it (PEM). */
  caCertificate?: { certificatePem: string; chainPem: string };
  validityDays: number;
  maxDomains: number;
  pollInitialSeconds: number;
  pollFactor: number;
  pollMaxSeconds: number;
  validationTimeoutHours: number;
  caIssuersUrl?: string;
  crlUrl?: string;
  /** Comma-separated host:port list, passed through to the check-validation function. */
  dnsResolvers?: string;
  /** The From of every mail the service sends (validation approvals): `Name <address>` or an address. */
  emailSender?: EmailSender;
  /** When the schedule runs (renewals, expiry): an EventBridge `rate(...)` or `cron(...)` expression. */
  schedule: string;
  /** Steady-state requests per second and burst the API stage accepts before answering 429. */
  apiRateLimit: number;
  apiBurstLimit: number;
  /** Region to deploy into; without it, the CLI profile's region (CDK_DEFAULT_REGION). */
  region?: string;
  /** Where approval links point when a custom domain fronts the API; default: the API's own stage URL. */
  approvalBaseUrl?: string;
  /** `host:port` of a WHOIS server (RFC 3912) whose contacts also get approval mail; unset: none. */
  whoisServer?: string;
  /** CAA issuer domain names that mean this CA. */
  caaIdentities: string[];
  /** Domain policy entries: `example.com` (that name) or `.example.com` (it and everything below). */
  deniedDomains: string[];
  allowedDomains: string[];
  maxCertificates: number;
  maxRequestsPerYear: number;
  /** Managed renewal starts this many days before a certificate's NotAfter. */
  renewalWindowDays: number;
  /** Every issued certificate is eligible for managed renewal, not only those in use or exported. */
  renewAllIssued: boolean;
  /** Where Renewal Action Required notices are mailed (needs emailSender); none when empty. */
  notificationEmails: string[];
}

export interface EmailSender {
  /** As given: `Certwright <no-reply@example.com>` or `no-reply@example.com`. */
  from: string;
  /** The bare address. */
  address: string;
  /** The verified SES identity the address belongs to: its domain unless `sesIdentity` names another. */
  sesIdentity: string;
}

/** The context keys, as given to `-c` or in cdk.json's "context". */
export const SETTING_KEYS = {
  validationDomain: 'validationDomain',
  hostedZones: 'hostedZones',
  caKeySpec: 'caKeySpec',
  caSubject: 'caSubject',
  caValidityYears: 'caValidityYears',
  caMode: 'caMode',
  caCertificate: 'caCertificateFile',
  validityDays: 'validityDays',
  maxDomains: 'maxDomains',
  pollInitialSeconds: 'pollInitialSeconds',
  pollFactor: 'pollFactor',
  pollMaxSeconds: 'pollMaxSeconds',
  validationTimeoutHours: 'validationTimeoutHours',
  caIssuersUrl: 'caIssuersUrl',
  crlUrl: 'crlUrl',
  dnsResolvers: 'dnsResolvers',
  emailSender: 'emailSender',
  schedule: 'schedule',
  apiRateLimit: 'apiRateLimit',
  apiBurstLimit: 'apiBurstLimit',
  region: 'region',
  approvalBaseUrl: 'approvalBaseUrl',
  whoisServer: 'whoisServer',
  caaIdentities: 'caaIdentities',
  deniedDomains: 'deniedDomains',
  allowedDomains: 'allowedDomains',
  maxCertificates: 'maxCertificates',
  maxRequestsPerYear: 'maxRequestsPerYear',
  renewalWindowDays: 'renewalWindowDays',
  renewAllIssued: 'renewAllIssued',
  notificationEmails: 'notificationEmail',
} as const satisfies Record<keyof DeploySettings, string>;

/** Read with emailSender: the SES identity, when it is not the sender address's domain. */
export const SES_IDENTITY_KEY = 'sesIdentity';
/** Read with caCertificateFile: the PEM file of the certificates above the intermediate. */
export const CA_CHAIN_FILE_KEY = 'caChainFile';

export const DEFAULT_DEPLOY_SETTINGS = {
  hostedZones: [] as HostedZoneSetting[],
  caKeySpec: 'RSA_2048' as CaKeySpec,
  caSubject: 'CN=Certwright Root CA,O=Certwright',
  caValidityYears: 10,
  caMode: 'ROOT' as CaMode,
  validityDays: 395,
  maxDomains: 10,
  pollInitialSeconds: 5,
  pollFactor: 2,
  pollMaxSeconds: 300,
  validationTimeoutHours: 72,
  schedule: 'rate(1 day)',
  apiRateLimit: 50,
  apiBurstLimit: 100,
  caaIdentities: ['certwright'],
  deniedDomains: [] as string[],
  allowedDomains: [] as string[],
  maxCertificates: 100,
  maxRequestsPerYear: 200,
  renewalWindowDays: 60,
  renewAllIssued: false,
  notificationEmails: [] as string[],
};

/**
 * Step Functions keeps at most 25,000 events in one execution's history, and one trip round the validation
 * loop (CheckValidation task, Choice, Wait) writes about 9. Poll settings that could need more checks than
 * this before the validation timeout are refused at synth.
 */
export const MAX_VALIDATION_CHECKS = 2_000;
export const EVENTS_PER_VALIDATION_CHECK = 9;

const DNS_NAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const HOSTED_ZONE_ID = /^[A-Z0-9]{1,32}$/;
/** An address SES accepts as a sender: local part and a domain, no display-name syntax. */
const EMAIL_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** EventBridge schedule expressions: rate(1 day), rate(12 hours), cron(0 3 * * ? *). */
const SCHEDULE = /^(rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)|cron\((\S+ ){5}\S+\))$/;

export class DeploySettingsError extends Error {
  constructor(message: string) {
    super(`Certwright deploy settings: ${message}`);
    this.name = 'DeploySettingsError';
  }
}

/** Reads and checks every setting from the construct tree's context (the App's, usually). */
export function readDeploySettings(node: Node): DeploySettings {
  const raw = (key: keyof DeploySettings): unknown => node.tryGetContext(SETTING_KEYS[key]);

  const validationDomainRaw = raw('validationDomain');
  if (validationDomainRaw === undefined || validationDomainRaw === null || validationDomainRaw === '') {
    throw new DeploySettingsError(
      'validationDomain is required: the domain under which validation CNAMEs point, for example ' +
        '`npx cdk synth -c validationDomain=acm-validations.example.com` (or set it in cdk.json "context").',
    );
  }
  const validationDomain = dnsName('validationDomain', validationDomainRaw);

  const settings: DeploySettings = {
    validationDomain,
    hostedZones: hostedZones(raw('hostedZones')),
    caKeySpec: caKeySpec(raw('caKeySpec')),
    caSubject: distinguishedName('caSubject', raw('caSubject')),
    caValidityYears: integer(
      'caValidityYears',
      raw('caValidityYears'),
      DEFAULT_DEPLOY_SETTINGS.caValidityYears,
      1,
      MAX_CA_VALIDITY_YEARS,
    ),
    caMode: caMode(raw('caMode')),
    ...caCertificate(raw('caCertificate'), node.tryGetContext(CA_CHAIN_FILE_KEY)),
    validityDays: integer('validityDays', raw('validityDays'), DEFAULT_DEPLOY_SETTINGS.validityDays, 1, 3650),
    maxDomains: integer('maxDomains', raw('maxDomains'), DEFAULT_DEPLOY_SETTINGS.maxDomains, 1, 100),
    pollInitialSeconds: integer(
      'pollInitialSeconds',
      raw('pollInitialSeconds'),
      DEFAULT_DEPLOY_SETTINGS.pollInitialSeconds,
      1,
      86_400,
    ),
    pollFactor: number('pollFactor', raw('pollFactor'), DEFAULT_DEPLOY_SETTINGS.pollFactor, 1, 10),
    pollMaxSeconds: integer(
      'pollMaxSeconds',
      raw('pollMaxSeconds'),
      DEFAULT_DEPLOY_SETTINGS.pollMaxSeconds,
      1,
      86_400,
    ),
    validationTimeoutHours: integer(
      'validationTimeoutHours',
      raw('validationTimeoutHours'),
      DEFAULT_DEPLOY_SETTINGS.validationTimeoutHours,
      1,
      // A Standard execution lives at most one year.
      24 * 365,
    ),
    ...optionalUrl('caIssuersUrl', raw('caIssuersUrl')),
    ...optionalUrl('crlUrl', raw('crlUrl')),
    ...optionalString('dnsResolvers', raw('dnsResolvers')),
    ...emailSender(raw('emailSender'), node.tryGetContext(SES_IDENTITY_KEY)),
    schedule: scheduleExpression(raw('schedule')),
    apiRateLimit: integer(
      'apiRateLimit',
      raw('apiRateLimit'),
      DEFAULT_DEPLOY_SETTINGS.apiRateLimit,
      1,
      10_000,
    ),
    apiBurstLimit: integer(
      'apiBurstLimit',
      raw('apiBurstLimit'),
      DEFAULT_DEPLOY_SETTINGS.apiBurstLimit,
      1,
      5_000,
    ),
    ...optionalRegion(raw('region')),
    ...optionalUrl('approvalBaseUrl', raw('approvalBaseUrl')),
    ...optionalWhoisServer(raw('whoisServer')),
    caaIdentities: nameList('caaIdentities', raw('caaIdentities'), DEFAULT_DEPLOY_SETTINGS.caaIdentities, {
      leadingDot: false,
      atLeastOne: true,
    }),
    deniedDomains: nameList('deniedDomains', raw('deniedDomains'), [], {
      leadingDot: true,
      atLeastOne: false,
    }),
    allowedDomains: nameList('allowedDomains', raw('allowedDomains'), [], {
      leadingDot: true,
      atLeastOne: false,
    }),
    maxCertificates: integer(
      'maxCertificates',
      raw('maxCertificates'),
      DEFAULT_DEPLOY_SETTINGS.maxCertificates,
      1,
      1_000_000,
    ),
    maxRequestsPerYear: integer(
      'maxRequestsPerYear',
      raw('maxRequestsPerYear'),
      DEFAULT_DEPLOY_SETTINGS.maxRequestsPerYear,
      1,
      10_000_000,
    ),
    renewalWindowDays: integer(
      'renewalWindowDays',
      raw('renewalWindowDays'),
      DEFAULT_DEPLOY_SETTINGS.renewalWindowDays,
      1,
      MAX_RENEWAL_WINDOW_DAYS,
    ),
    renewAllIssued: booleanSetting(
      'renewAllIssued',
      raw('renewAllIssued'),
      DEFAULT_DEPLOY_SETTINGS.renewAllIssued,
    ),
    notificationEmails: emailAddresses('notificationEmail', raw('notificationEmails')),
  };
  if (settings.caCertificate && settings.caMode !== 'INTERMEDIATE') {
    throw new DeploySettingsError(
      'caCertificateFile is for caMode=INTERMEDIATE: the certificate your root signed for the CA key.',
    );
  }
  if (settings.notificationEmails.length > 0 && !settings.emailSender) {
    throw new DeploySettingsError(
      'notificationEmail needs emailSender: Renewal Action Required notices are sent from it (through SES).',
    );
  }
  if (settings.pollMaxSeconds < settings.pollInitialSeconds) {
    throw new DeploySettingsError(
      `pollMaxSeconds (${settings.pollMaxSeconds}) must be at least pollInitialSeconds (${settings.pollInitialSeconds}).`,
    );
  }
  const checks = worstCaseValidationChecks(settings);
  if (checks > MAX_VALIDATION_CHECKS) {
    throw new DeploySettingsError(
      `the poll settings (pollInitialSeconds=${settings.pollInitialSeconds}, pollFactor=${settings.pollFactor}, ` +
        `pollMaxSeconds=${settings.pollMaxSeconds}) check DNS more than ${MAX_VALIDATION_CHECKS} times in ` +
        `validationTimeoutHours=${settings.validationTimeoutHours} (over ${MAX_VALIDATION_CHECKS * EVENTS_PER_VALIDATION_CHECK} ` +
        'history events; Step Functions stops an execution at 25,000). Raise pollMaxSeconds or pollFactor, ' +
        'or shorten validationTimeoutHours.',
    );
  }
  return settings;
}

/**
 * How many validation checks one request can make before it times out: the first at once, then one after
 * each wait of the schedule (the same waits the check-validation task returns), until the timeout. Counting
 * stops just past MAX_VALIDATION_CHECKS.
 */
export function worstCaseValidationChecks(
  settings: Pick<
    DeploySettings,
    'pollInitialSeconds' | 'pollFactor' | 'pollMaxSeconds' | 'validationTimeoutHours'
  >,
): number {
  const schedule = {
    initialSeconds: settings.pollInitialSeconds,
    factor: settings.pollFactor,
    maxSeconds: settings.pollMaxSeconds,
  };
  const deadline = settings.validationTimeoutHours * 3600;
  let elapsed = 0;
  let checks = 0;
  while (checks <= MAX_VALIDATION_CHECKS) {
    checks += 1;
    if (elapsed >= deadline) break;
    elapsed += Math.min(pollDelaySeconds(checks, schedule), Math.max(1, deadline - elapsed));
  }
  return checks;
}

function dnsName(key: string, value: unknown): string {
  const name = typeof value === 'string' ? value.trim().toLowerCase().replace(/\.$/, '') : '';
  if (!DNS_NAME.test(name)) {
    throw new DeploySettingsError(
      `${key} must be a DNS name such as example.com, got ${JSON.stringify(value)}.`,
    );
  }
  return name;
}

function hostedZones(value: unknown): HostedZoneSetting[] {
  if (value === undefined || value === null || value === '') return [...DEFAULT_DEPLOY_SETTINGS.hostedZones];
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new DeploySettingsError(
        `hostedZones must be JSON: [{"zoneName":"example.com","hostedZoneId":"Z0123456789ABC"}], got ${value}.`,
      );
    }
  }
  if (!Array.isArray(parsed)) {
    throw new DeploySettingsError('hostedZones must be a JSON array of {zoneName, hostedZoneId}.');
  }
  const zones = parsed.map((entry: unknown, index): HostedZoneSetting => {
    const zone = (entry ?? {}) as { zoneName?: unknown; hostedZoneId?: unknown };
    const hostedZoneId =
      typeof zone.hostedZoneId === 'string' ? zone.hostedZoneId.trim().replace(/^\/?hostedzone\//, '') : '';
    if (!HOSTED_ZONE_ID.test(hostedZoneId)) {
      throw new DeploySettingsError(
        `hostedZones[${index}].hostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABC, got ${JSON.stringify(zone.hostedZoneId)}.`,
      );
    }
    return { zoneName: dnsName(`hostedZones[${index}].zoneName`, zone.zoneName), hostedZoneId };
  });
  const ids = new Set(zones.map((zone) => zone.hostedZoneId));
  if (ids.size !== zones.length) throw new DeploySettingsError('hostedZones lists a hosted zone id twice.');
  return zones;
}

/** A distinguished name @peculiar/x509 can encode (what the bootstrap will put in the CA certificate). */
function distinguishedName(key: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_DEPLOY_SETTINGS.caSubject;
  const name = typeof value === 'string' ? value.trim() : '';
  let parsed = false;
  try {
    const attributes = name === '' ? [] : new Name(name).toJSON();
    parsed =
      attributes.length > 0 &&
      attributes.every((rdn) => Object.values(rdn).every((values) => values.every((v) => v.trim() !== '')));
  } catch {
    parsed = false;
  }
  if (!parsed) {
    throw new DeploySettingsError(
      `${key} must be a distinguished name such as "CN=Example Root CA,O=Example", got ${JSON.stringify(value)}.`,
    );
  }
  return name;
}

function caKeySpec(value: unknown): CaKeySpec {
  if (value === undefined || value === null || value === '') return DEFAULT_DEPLOY_SETTINGS.caKeySpec;
  if (typeof value === 'string' && (CA_KEY_SPECS as readonly string[]).includes(value))
    return value as CaKeySpec;
  throw new DeploySettingsError(
    `caKeySpec must be one of ${CA_KEY_SPECS.join(', ')}, got ${JSON.stringify(value)}.`,
  );
}

function caMode(value: unknown): CaMode {
  if (value === undefined || value === null || value === '') return DEFAULT_DEPLOY_SETTINGS.caMode;
  const mode = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if ((CA_MODES as readonly string[]).includes(mode)) return mode as CaMode;
  throw new DeploySettingsError(`caMode must be ROOT or INTERMEDIATE, got ${JSON.stringify(value)}.`);
}

/** The two PEM files of an intermediate CA, read at synth; the bootstrap checks what they hold. */
function caCertificate(
  certificateFile: unknown,
  chainFile: unknown,
): { caCertificate?: { certificatePem: string; chainPem: string } } {
  const given = (value: unknown) => value !== undefined && value !== null && value !== '';
  if (!given(certificateFile) && !given(chainFile)) return {};
  if (!given(certificateFile) || !given(chainFile)) {
    throw new DeploySettingsError(
      `caCertificateFile and ${CA_CHAIN_FILE_KEY} go together: the intermediate certificate your root signed, and the chain above it up to the root (just the root's PEM when the root signed it).`,
    );
  }
  return {
    caCertificate: {
      certificatePem: pemFile('caCertificateFile', certificateFile),
      chainPem: pemFile(CA_CHAIN_FILE_KEY, chainFile),
    },
  };
}

function pemFile(key: string, path: unknown): string {
  let text: string;
  try {
    text = readFileSync(String(path), 'utf8');
  } catch (error) {
    throw new DeploySettingsError(
      `${key}: cannot read ${JSON.stringify(path)}: ${(error as Error).message}.`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DeploySettingsError(`${key}: ${JSON.stringify(path)} holds no PEM certificate.`);
  }
  return text;
}

function number(key: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new DeploySettingsError(
      `${key} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
    );
  }
  return parsed;
}

function integer(key: string, value: unknown, fallback: number, min: number, max: number): number {
  const parsed = number(key, value, fallback, min, max);
  if (!Number.isInteger(parsed)) {
    throw new DeploySettingsError(`${key} must be a whole number, got ${JSON.stringify(value)}.`);
  }
  return parsed;
}

function optionalUrl<K extends 'caIssuersUrl' | 'crlUrl' | 'approvalBaseUrl'>(
  key: K,
  value: unknown,
): Partial<Record<K, string>> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string' && /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value)) {
    return { [key]: value } as Partial<Record<K, string>>;
  }
  throw new DeploySettingsError(`${key} must be an http(s) URL, got ${JSON.stringify(value)}.`);
}

function emailSender(value: unknown, identityValue: unknown): { emailSender?: EmailSender } {
  if (value === undefined || value === null || value === '') return {};
  const from = typeof value === 'string' ? value.trim() : '';
  const named = /^([^<>"]*?)\s*<([^<>\s]+)>$/.exec(from);
  const address = named ? (named[2] ?? '') : from;
  const domain = EMAIL_ADDRESS.exec(address)?.[1];
  if (domain === undefined || (named && /[\r\n]/.test(named[1] ?? ''))) {
    throw new DeploySettingsError(
      `emailSender must be an address such as no-reply@example.com or "Certwright <no-reply@example.com>", got ${JSON.stringify(value)}.`,
    );
  }
  const sesIdentity =
    identityValue === undefined || identityValue === null || identityValue === ''
      ? domain.toLowerCase()
      : typeof identityValue === 'string' &&
          (identityValue.trim().toLowerCase() === domain.toLowerCase() ||
            identityValue.trim().toLowerCase() === address.toLowerCase())
        ? identityValue.trim().toLowerCase()
        : undefined;
  if (sesIdentity === undefined) {
    throw new DeploySettingsError(
      `${SES_IDENTITY_KEY} must be the sender's domain (${domain}) or its address (${address}), the SES identity it is verified under, got ${JSON.stringify(identityValue)}.`,
    );
  }
  return { emailSender: { from, address, sesIdentity } };
}

function scheduleExpression(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULT_DEPLOY_SETTINGS.schedule;
  const expression = typeof value === 'string' ? value.trim() : '';
  const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
  // EventBridge wants the singular unit for 1 and the plural otherwise.
  const unitAgrees = !rate || (rate[1] === '1') === !(rate[2] ?? '').endsWith('s');
  if (!SCHEDULE.test(expression) || !unitAgrees) {
    throw new DeploySettingsError(
      `schedule must be an EventBridge schedule expression such as "rate(1 day)", "rate(6 hours)" or "cron(0 3 * * ? *)", got ${JSON.stringify(value)}.`,
    );
  }
  return expression;
}

/**
 * A list of DNS names: a JSON array in cdk.json, a comma-separated string from `-c`. `leadingDot` allows
 * `.example.com` (the name and everything below it).
 */
function nameList(
  key: string,
  value: unknown,
  fallback: string[],
  rules: { leadingDot: boolean; atLeastOne: boolean },
): string[] {
  if (value === undefined || value === null) return [...fallback];
  const entries = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',').filter((entry) => entry.trim() !== '')
      : undefined;
  const names = entries?.map((entry) => (typeof entry === 'string' ? entry.trim().toLowerCase() : ''));
  const valid = (name: string) => {
    const bare = rules.leadingDot && name.startsWith('.') ? name.slice(1) : name;
    return /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/.test(bare);
  };
  if (!names?.every(valid) || (rules.atLeastOne && names.length === 0)) {
    throw new DeploySettingsError(
      `${key} must be ${rules.atLeastOne ? 'one or more' : 'a list of'} DNS names${rules.leadingDot ? ' (".example.com" for a domain and everything below it)' : ''}, comma-separated or a JSON list, got ${JSON.stringify(value)}.`,
    );
  }
  return names;
}

function booleanSetting(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new DeploySettingsError(`${key} must be true or false, got ${JSON.stringify(value)}.`);
}

/** Addresses as a JSON list in cdk.json or comma-separated from `-c`; lowercase, without repeats. */
function emailAddresses(key: string, value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const entries = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',').filter((entry) => entry.trim() !== '')
      : undefined;
  const addresses = entries?.map((entry) => (typeof entry === 'string' ? entry.trim().toLowerCase() : ''));
  if (!addresses || addresses.length === 0 || !addresses.every((address) => EMAIL_ADDRESS.test(address))) {
    throw new DeploySettingsError(
      `${key} must be email addresses such as ops@example.com, comma-separated or a JSON list, got ${JSON.stringify(value)}.`,
    );
  }
  return [...new Set(addresses)];
}

function optionalWhoisServer(value: unknown): { whoisServer?: string } {
  if (value === undefined || value === null || value === '') return {};
  try {
    // The same parser the publish function uses, so a value synth accepts is one the function can use.
    parseWhoisServer(String(value));
  } catch {
    throw new DeploySettingsError(
      `whoisServer must be host or host:port (IPv6 as [::1]:43), such as whois.example.net:43, got ${JSON.stringify(value)}.`,
    );
  }
  return { whoisServer: String(value).trim() };
}

function optionalRegion(value: unknown): { region?: string } {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string' && REGION.test(value.trim())) return { region: value.trim() };
  throw new DeploySettingsError(
    `region must be an AWS region such as eu-west-1, got ${JSON.stringify(value)}.`,
  );
}

function optionalString<K extends 'dnsResolvers'>(key: K, value: unknown): Partial<Record<K, string>> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') return { [key]: value.trim() } as Partial<Record<K, string>>;
  throw new DeploySettingsError(`${key} must be a string, got ${JSON.stringify(value)}.`);
}

export const DEFAULT_STACK_NAME = 'Certwright';
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** `-c stackName=...`: deploy more than one Certwright into an account and region under different names. */
export function readStackName(node: Node): string {
  const value: unknown = node.tryGetContext('stackName');
  if (value === undefined || value === null || value === '') return DEFAULT_STACK_NAME;
  if (typeof value === 'string' && STACK_NAME.test(value)) return value;
  throw new DeploySettingsError(
    `stackName must start with a letter and hold only letters, digits and hyphens (at most 64), got ${JSON.stringify(value)}.`,
  );
}
