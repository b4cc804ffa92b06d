/**
 * The Lambda functions' configuration, read from their environment variables (the CDK stack sets them),
 * and the AWS SDK clients, created once per container. Core never reads the environment: this module turns
 * it into CertwrightSettings and adapter arguments, with errors that name the variable at fault.
 */
import { isIP } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type CertwrightSettings, DEFAULT_SETTINGS, MAX_RENEWAL_WINDOW_DAYS } from '../../core/settings.ts';
import { parseWhoisServer, type WhoisServer } from '../dns/whois-client.ts';
import type { Route53HostedZone } from './route53-zone-writer.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The environment variables, by what they configure. */
export const AWS_ENV = {
  region: 'AWS_REGION',
  partition: 'AWS_PARTITION',
  tableName: 'CERTWRIGHT_TABLE_NAME',
  caKeyId: 'CERTWRIGHT_CA_KEY_ID',
  vaultKeyId: 'CERTWRIGHT_VAULT_KEY_ID',
  macKeyId: 'CERTWRIGHT_MAC_KEY_ID',
  stateMachineArn: 'CERTWRIGHT_STATE_MACHINE_ARN',
  checkValidationFunctionArn: 'CERTWRIGHT_CHECK_VALIDATION_FUNCTION_ARN',
  crlFunctionArn: 'CERTWRIGHT_CRL_FUNCTION_ARN',
  crlBucket: 'CERTWRIGHT_CRL_BUCKET',
  crlKey: 'CERTWRIGHT_CRL_KEY',
  eventBusName: 'CERTWRIGHT_EVENT_BUS_NAME',
  hostedZones: 'CERTWRIGHT_HOSTED_ZONES',
  validationDomain: 'CERTWRIGHT_VALIDATION_DOMAIN',
  validityDays: 'CERTWRIGHT_VALIDITY_DAYS',
  maxDomains: 'CERTWRIGHT_MAX_DOMAINS',
  pollInitialSeconds: 'CERTWRIGHT_POLL_INITIAL_SECONDS',
  pollFactor: 'CERTWRIGHT_POLL_FACTOR',
  pollMaxSeconds: 'CERTWRIGHT_POLL_MAX_SECONDS',
  validationTimeoutHours: 'CERTWRIGHT_VALIDATION_TIMEOUT_HOURS',
  caIssuersUrl: 'CERTWRIGHT_CA_ISSUERS_URL',
  crlUrl: 'CERTWRIGHT_CRL_URL',
  dnsResolvers: 'CERTWRIGHT_DNS_RESOLVERS',
  approvalBaseUrl: 'CERTWRIGHT_APPROVAL_BASE_URL',
  emailSender: 'CERTWRIGHT_EMAIL_SENDER',
  sesIdentityArn: 'CERTWRIGHT_SES_IDENTITY_ARN',
  whoisServer: 'CERTWRIGHT_WHOIS_SERVER',
  caaIdentities: 'CERTWRIGHT_CAA_IDENTITIES',
  deniedDomains: 'CERTWRIGHT_DENIED_DOMAINS',
  allowedDomains: 'CERTWRIGHT_ALLOWED_DOMAINS',
  maxCertificates: 'CERTWRIGHT_MAX_CERTIFICATES',
  maxRequestsPerYear: 'CERTWRIGHT_MAX_REQUESTS_PER_YEAR',
  renewalWindowDays: 'CERTWRIGHT_RENEWAL_WINDOW_DAYS',
  renewAllIssued: 'CERTWRIGHT_RENEW_ALL_ISSUED',
  notificationEmail: 'CERTWRIGHT_NOTIFICATION_EMAIL',
} as const;

export type AwsEnvName = keyof typeof AWS_ENV;

/** CertwrightSettings but the validation domain, which only the functions that use it are given. */
export type AwsSettings = Omit<CertwrightSettings, 'validationDomain'>;

export interface AwsEnvironment {
  settings: AwsSettings;
  tableName: string;
  /**
   * Set only on the functions that use them; `required` (and `certwrightSettings` for the validation
   * domain) turns a missing one into a clear error.
   */
  validationDomain?: string;
  caKeyId?: string;
  vaultKeyId?: string;
  macKeyId?: string;
  stateMachineArn?: string;
  /** The check-validation function, which the API invokes for CheckDomains' DNS lookups. */
  checkValidationFunctionArn?: string;
  /** The publish-crl function, which the API invokes (asynchronously) after a revocation. */
  crlFunctionArn?: string;
  /** Where the CRL function puts the CRL: the bucket's name and the object's key. */
  crlBucket?: string;
  crlKey?: string;
  /** The event bus certificate events go to (name or ARN). */
  eventBusName?: string;
  /** Hosted zones the publish function may write validation records into (may be empty). */
  hostedZones: Route53HostedZone[];
  /** host:port DNS servers for validation lookups; empty: the Lambda's own resolver. */
  dnsResolvers: string[];
  /** The From of validation mail (`Name <address>` or an address of a verified SES identity); none: no mail. */
  emailSender?: string;
  /** The SES identity to authorize sends against, when it is not the one SES would pick. */
  sesIdentityArn?: string;
  /** The WHOIS server whose contacts EMAIL validation mails too (the publish function); none: no lookups. */
  whoisServer?: WhoisServer;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const PARTITION_PATTERN = /^aws(-[a-z]+)*$/;
const DNS_NAME_PATTERN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
/** A CAA issuer domain name or a domain policy entry's name: one label or more (`.internal` covers a TLD). */
const NAME_PATTERN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/;
const SES_IDENTITY_ARN_PATTERN = /^arn:aws(-[a-z]+)*:ses:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:identity\/[^\s/]+$/;
/** The address of `Name <address>` or of a bare address: one, with a domain. */
const SENDER_ADDRESS_PATTERN = /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/;

/** Reads every setting the Lambda functions share; refuses missing or invalid values naming the variable. */
export function awsSettingsFromEnv(env: Environment): AwsEnvironment {
  const region = requiredVariable(env, 'region');
  if (!REGION_PATTERN.test(region)) throw invalid('region', 'a region name such as us-east-1', region);
  const partition = optionalVariable(env, 'partition') ?? partitionOf(region);
  if (!PARTITION_PATTERN.test(partition)) throw invalid('partition', 'a partition such as aws', partition);
  const validationDomain = optionalVariable(env, 'validationDomain')?.toLowerCase().replace(/\.$/, '');
  if (validationDomain !== undefined && !DNS_NAME_PATTERN.test(validationDomain))
    throw invalid('validationDomain', 'a DNS name', validationDomain);
  const defaults = DEFAULT_SETTINGS;
  const settings: AwsSettings = {
    partition,
    region,
    // Each function is given only the policy settings it applies; the others keep the defaults.
    caaIdentities: caaIdentities(env) ?? defaults.caaIdentities,
    domainPolicy: {
      denied: domainList(env, 'deniedDomains') ?? defaults.domainPolicy.denied,
      allowed: domainList(env, 'allowedDomains') ?? defaults.domainPolicy.allowed,
    },
    quotas: {
      certificatesPerAccount: number(env, 'maxCertificates', defaults.quotas.certificatesPerAccount, {
        min: 1,
        integer: true,
      }),
      requestsPerYear: number(env, 'maxRequestsPerYear', defaults.quotas.requestsPerYear, {
        min: 1,
        integer: true,
      }),
    },
    renewal: {
      windowDays: number(env, 'renewalWindowDays', defaults.renewal.windowDays, {
        min: 1,
        max: MAX_RENEWAL_WINDOW_DAYS,
        integer: true,
      }),
      renewAllIssued: flag(env, 'renewAllIssued') ?? defaults.renewal.renewAllIssued,
      notificationEmails: notificationEmails(env) ?? defaults.renewal.notificationEmails,
    },
    // Only the functions that send validation mail are given it; the others never build a link.
    approvalBaseUrl: (httpUrl(env, 'approvalBaseUrl') ?? '').replace(/\/+$/, ''),
    validationTimeoutHours: number(env, 'validationTimeoutHours', defaults.validationTimeoutHours, {
      min: 0,
    }),
    maxDomainsPerCertificate: number(env, 'maxDomains', defaults.maxDomainsPerCertificate, {
      min: 1,
      max: 100,
      integer: true,
    }),
    pollSchedule: {
      initialSeconds: number(env, 'pollInitialSeconds', defaults.pollSchedule.initialSeconds, {
        min: 1,
        integer: true,
      }),
      factor: number(env, 'pollFactor', defaults.pollSchedule.factor, { min: 1 }),
      maxSeconds: number(env, 'pollMaxSeconds', defaults.pollSchedule.maxSeconds, { min: 1, integer: true }),
    },
    profile: {
      ...defaults.profile,
      validityDays: number(env, 'validityDays', defaults.profile.validityDays, { min: 1, integer: true }),
      ...optionalUrl(env, 'caIssuersUrl'),
      ...optionalUrl(env, 'crlUrl'),
    },
  };
  return {
    settings,
    tableName: requiredVariable(env, 'tableName'),
    validationDomain,
    caKeyId: optionalVariable(env, 'caKeyId'),
    vaultKeyId: optionalVariable(env, 'vaultKeyId'),
    macKeyId: optionalVariable(env, 'macKeyId'),
    stateMachineArn: optionalVariable(env, 'stateMachineArn'),
    checkValidationFunctionArn: optionalVariable(env, 'checkValidationFunctionArn'),
    crlFunctionArn: optionalVariable(env, 'crlFunctionArn'),
    crlBucket: optionalVariable(env, 'crlBucket'),
    crlKey: optionalVariable(env, 'crlKey'),
    eventBusName: optionalVariable(env, 'eventBusName'),
    hostedZones: hostedZones(env),
    dnsResolvers: dnsResolvers(env),
    emailSender: emailSender(env),
    sesIdentityArn: sesIdentityArn(env),
    whoisServer: whoisServer(env),
  };
}

/** The value of a function-specific setting, or an error naming its variable when it is not set. */
export function required<
  K extends
    | 'caKeyId'
    | 'vaultKeyId'
    | 'macKeyId'
    | 'stateMachineArn'
    | 'eventBusName'
    | 'checkValidationFunctionArn'
    | 'crlFunctionArn'
    | 'crlBucket'
    | 'crlKey',
>(environment: AwsEnvironment, name: K): string {
  const value = environment[name];
  if (value === undefined) throw missing(name);
  return value;
}

/** The whole CertwrightSettings, for the functions that need the validation domain (the API). */
export function certwrightSettings(environment: AwsEnvironment): CertwrightSettings {
  if (environment.validationDomain === undefined) throw missing('validationDomain');
  return { ...environment.settings, validationDomain: environment.validationDomain };
}

/** The partition a region belongs to: cn-* → aws-cn, us-gov-* → aws-us-gov, anything else → aws. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/*
 * The SDK clients, one of each per container (module state outlives invocations in a warm Lambda). They
 * take region, credentials and endpoint overrides (AWS_ENDPOINT_URL_<SERVICE>) from the SDK's own chain.
 */
let dynamodb: DynamoDBClient | undefined;
let kms: KMSClient | undefined;
let sfn: SFNClient | undefined;
let route53: Route53Client | undefined;
let eventBridge: EventBridgeClient | undefined;
let ses: SESv2Client | undefined;
let lambda: LambdaClient | undefined;
let s3: S3Client | undefined;

export function dynamoDbClient(region: string): DynamoDBClient {
  dynamodb ??= new DynamoDBClient({ region });
  return dynamodb;
}

export function kmsClient(region: string): KMSClient {
  kms ??= new KMSClient({ region });
  return kms;
}

export function sfnClient(region: string): SFNClient {
  sfn ??= new SFNClient({ region });
  return sfn;
}

export function route53Client(region: string): Route53Client {
  route53 ??= new Route53Client({ region });
  return route53;
}

export function eventBridgeClient(region: string): EventBridgeClient {
  eventBridge ??= new EventBridgeClient({ region });
  return eventBridge;
}

export function sesClient(region: string): SESv2Client {
  ses ??= new SESv2Client({ region });
  return ses;
}

export function lambdaClient(region: string): LambdaClient {
  lambda ??= new LambdaClient({ region });
  return lambda;
}

export function s3Client(region: string): S3Client {
  s3 ??= new S3Client({ region });
  return s3;
}

function optionalVariable(env: Environment, name: AwsEnvName): string | undefined {
  const value = env[AWS_ENV[name]]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function requiredVariable(env: Environment, name: AwsEnvName): string {
  const value = optionalVariable(env, name);
  if (value === undefined) throw missing(name);
  return value;
}

function missing(name: AwsEnvName): Error {
  return new Error(`The environment variable ${AWS_ENV[name]} is not set; the deployment must set it.`);
}

function invalid(name: AwsEnvName, expected: string, raw: string): Error {
  return new Error(`The environment variable ${AWS_ENV[name]} must be ${expected}, not '${raw}'.`);
}

function number(
  env: Environment,
  name: AwsEnvName,
  fallback: number,
  range: { min: number; max?: number; integer?: boolean },
): number {
  const raw = optionalVariable(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { min, max = Number.MAX_SAFE_INTEGER, integer = false } = range;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw invalid(name, `${kind} from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`, raw);
  }
  return value;
}

function httpUrl(env: Environment, name: AwsEnvName): string | undefined {
  const raw = optionalVariable(env, name);
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw) || !['http:', 'https:'].includes(new URL(raw).protocol)) {
    throw invalid(name, 'an http or https URL', raw);
  }
  return raw;
}

function optionalUrl<K extends 'caIssuersUrl' | 'crlUrl'>(
  env: Environment,
  name: K,
): Partial<Record<K, string>> {
  const url = httpUrl(env, name);
  return url === undefined ? {} : ({ [name]: url } as Partial<Record<K, string>>);
}

function emailSender(env: Environment): string | undefined {
  const raw = optionalVariable(env, 'emailSender');
  if (raw === undefined) return undefined;
  const address = /<([^<>]*)>$/.exec(raw)?.[1] ?? raw;
  if (!SENDER_ADDRESS_PATTERN.test(address.trim()))
    throw invalid('emailSender', 'an address or Name <address>', raw);
  return raw;
}

function sesIdentityArn(env: Environment): string | undefined {
  const raw = optionalVariable(env, 'sesIdentityArn');
  if (raw !== undefined && !SES_IDENTITY_ARN_PATTERN.test(raw))
    throw invalid(
      'sesIdentityArn',
      'an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<identity>)',
      raw,
    );
  return raw;
}

function whoisServer(env: Environment): WhoisServer | undefined {
  const raw = optionalVariable(env, 'whoisServer');
  if (raw === undefined) return undefined;
  try {
    return parseWhoisServer(raw);
  } catch {
    throw invalid('whoisServer', 'a host or host:port (IPv6 as [::1]:43)', raw);
  }
}

function flag(env: Environment, name: AwsEnvName): boolean | undefined {
  const raw = optionalVariable(env, name);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') throw invalid(name, 'true or false', raw);
  return raw === 'true';
}

function notificationEmails(env: Environment): string[] | undefined {
  const raw = optionalVariable(env, 'notificationEmail');
  if (raw === undefined) return undefined;
  const addresses = names(raw);
  if (!addresses.every((address) => SENDER_ADDRESS_PATTERN.test(address)))
    throw invalid('notificationEmail', 'comma-separated email addresses', raw);
  return addresses;
}

function names(raw: string): string[] {
  return raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}

/** CAA issuer domain names (RFC 8659), lowercased: one or more when set. */
function caaIdentities(env: Environment): string[] | undefined {
  const raw = optionalVariable(env, 'caaIdentities');
  if (raw === undefined) return undefined;
  const identities = names(raw);
  if (identities.length === 0 || !identities.every((name) => NAME_PATTERN.test(name)))
    throw invalid('caaIdentities', 'one or more comma-separated issuer domain names', raw);
  return identities;
}

/** Domain policy entries, lowercased: `example.com` (that name) or `.example.com` (it and all below). */
function domainList(env: Environment, name: 'deniedDomains' | 'allowedDomains'): string[] | undefined {
  const raw = optionalVariable(env, name);
  if (raw === undefined) return undefined;
  const entries = names(raw);
  if (!entries.every((entry) => NAME_PATTERN.test(entry.startsWith('.') ? entry.slice(1) : entry)))
    throw invalid(name, 'comma-separated DNS names (.example.com for it and every name below it)', raw);
  return entries;
}

function hostedZones(env: Environment): Route53HostedZone[] {
  const raw = optionalVariable(env, 'hostedZones');
  if (raw === undefined) return [];
  const expected = 'a JSON array of {"zoneName": ..., "hostedZoneId": ...}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid('hostedZones', expected, raw);
  }
  if (!Array.isArray(parsed)) throw invalid('hostedZones', expected, raw);
  return parsed.map((zone: unknown) => {
    const { zoneName, hostedZoneId } = (zone ?? {}) as Record<string, unknown>;
    if (typeof zoneName !== 'string' || zoneName.trim() === '' || typeof hostedZoneId !== 'string') {
      throw invalid('hostedZones', expected, raw);
    }
    return { zoneName, hostedZoneId };
  });
}

function dnsResolvers(env: Environment): string[] {
  const raw = optionalVariable(env, 'dnsResolvers');
  if (raw === undefined) return [];
  const servers = raw
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean);
  for (const server of servers) {
    const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(server) ?? /^([^:]+)(?::(\d+))?$/.exec(server);
    const host = match?.[1] ?? server;
    const port = match?.[2];
    if (isIP(host) === 0 || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
      throw invalid('dnsResolvers', 'comma-separated IP addresses with optional ports (host:port)', raw);
    }
  }
  return servers;
}
