/**
 * Test helpers for the core use cases: the real DynamoDB store on in-process dynalite, and small scripted
 * stand-ins for the ports that talk to the outside (DNS, the workflow starter, the MAC secret, randomness).
 */
import { createHmac } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { parseCertificateArn } from '../../../functions/core/arn.ts';
import { presentCaa } from '../../../functions/core/caa/caa-presentation.ts';
import type { RequestCertificateDeps } from '../../../functions/core/certificates/request-certificate.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type {
  CaaRecord,
  CertificateStore,
  Clock,
  DnsLookup,
  DnsOutcome,
  DnsResolver,
  Random,
  SecretMac,
  WorkflowStarter,
} from '../../../functions/core/ports.ts';
import { type CertwrightSettings, DEFAULT_SETTINGS } from '../../../functions/core/settings.ts';
import { startEmbeddedTable } from '../../../local/embedded-table.ts';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'us-east-1';
export const VALIDATION_DOMAIN = 'acm-validations.certwright.test';

export const TEST_SETTINGS: CertwrightSettings = {
  ...DEFAULT_SETTINGS,
  region: REGION,
  validationDomain: VALIDATION_DOMAIN,
  approvalBaseUrl: 'https://certwright.test',
};

export interface DynaliteStore {
  store: DynamoDbCertificateStore;
  /** The table's own client, for tests that read raw items. */
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** The real DynamoDB store on an in-memory embedded table. */
export async function startDynaliteStore(): Promise<DynaliteStore> {
  const table = await startEmbeddedTable({ region: REGION, tableName: 'certwright-core-test' });
  return { store: table.store, client: table.client, stop: () => table.close() };
}

/**
 * Starts the dynalite store before the file's tests and stops it after them (with `freshForEachTest`, one
 * store per test); read it inside the tests.
 */
export function useDynaliteStore(options: { freshForEachTest?: boolean } = {}): Omit<DynaliteStore, 'stop'> {
  let dynamo: DynaliteStore | undefined;
  const [before, after] = options.freshForEachTest ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    dynamo = await startDynaliteStore();
  });
  after(async () => {
    await dynamo?.stop();
    dynamo = undefined;
  });
  const started = (): DynaliteStore => {
    if (!dynamo) throw new Error('the dynalite store is started by the test hooks');
    return dynamo;
  };
  return {
    get store() {
      return started().store;
    },
    get client() {
      return started().client;
    },
  };
}

/** HMAC-SHA256 under a fixed key, laid out as FileSecretMac does (purpose, NUL, data). */
export class HmacMac implements SecretMac {
  constructor(private readonly key: string = 'certwright-test-secret') {}

  async mac(purpose: string, data: string): Promise<Uint8Array> {
    return new Uint8Array(createHmac('sha256', this.key).update(`${purpose}\0${data}`, 'utf8').digest());
  }
}

/** Deterministic randomness: UUIDs count up from a fixed prefix, bytes are a fixed pattern. */
export class SequentialRandom implements Random {
  private counter = 0;

  constructor(private readonly prefix = '00000000-0000-4000-8000-') {}

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, (_, index) => (index * 37 + 11) & 0xff);
  }

  uuid(): string {
    this.counter += 1;
    return `${this.prefix}${this.counter.toString(16).padStart(12, '0')}`;
  }
}

/**
 * A new account for each test that calls it: `base` plus a count, with a SequentialRandom whose UUIDs carry
 * the count and `uuidTag`, so no two tests' certificates share an id.
 */
export function accountSeries(
  base: number,
  uuidTag: string,
): () => { accountId: string; random: SequentialRandom } {
  let count = 0;
  return () => {
    count += 1;
    return {
      accountId: String(base + count),
      random: new SequentialRandom(`${count.toString(16).padStart(8, '0')}-${uuidTag}-4000-8000-`),
    };
  };
}

/** Collects every workflow start instead of starting anything. */
export class RecordingWorkflow implements WorkflowStarter {
  readonly starts: Array<{ executionName: string; input: { certificateArn: string } }> = [];

  async start(executionName: string, input: { certificateArn: string }): Promise<void> {
    this.starts.push({ executionName, input });
  }
}

/** RequestCertificate's deps for a test: a recording workflow, the test MAC and settings, an RSA CA. */
export function requestCertificateDeps(
  store: CertificateStore,
  clock: Clock,
  overrides: Partial<RequestCertificateDeps> = {},
): RequestCertificateDeps {
  return {
    store,
    workflow: new RecordingWorkflow(),
    clock,
    random: new SequentialRandom(),
    mac: new HmacMac(),
    settings: TEST_SETTINGS,
    caAlgorithm: 'RSA_2048',
    issuerName: 'Certwright Test',
    ...overrides,
  };
}

/** The stored certificate behind an ARN; throws when there is none. */
export async function storedCertificate(store: CertificateStore, arn: string): Promise<CertificateRecord> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await store.get(accountId, certificateId);
  if (!certificate) throw new Error(`${arn} is not stored`);
  return certificate;
}

export function lookup(outcome: DnsOutcome, values: string[] = [], detail?: string): DnsLookup {
  return { outcome, values, server: '192.0.2.53:53', ...(detail ? { detail } : {}) };
}

type Answer = DnsLookup | ((name: string) => DnsLookup);

/**
 * A DNS resolver answering from a script: per record type, a map from name (lowercase, no trailing dot) to
 * the answer; names not in the script get NXDOMAIN. Records every query: validation-record lookups in
 * `queries`, CAA lookups in `caaQueries`.
 */
export class ScriptedResolver implements DnsResolver {
  readonly queries: Array<{ type: 'CNAME' | 'TXT'; name: string }> = [];
  readonly caaQueries: string[] = [];
  private readonly answers = {
    CNAME: new Map<string, Answer>(),
    TXT: new Map<string, Answer>(),
    CAA: new Map<string, Answer>(),
  };

  answer(type: 'CNAME' | 'TXT' | 'CAA', name: string, answer: Answer): this {
    this.answers[type].set(key(name), answer);
    return this;
  }

  forget(type: 'CNAME' | 'TXT' | 'CAA', name: string): this {
    this.answers[type].delete(key(name));
    return this;
  }

  async resolveCname(name: string): Promise<DnsLookup> {
    this.queries.push({ type: 'CNAME', name });
    return this.resolve('CNAME', name);
  }

  async resolveTxt(name: string): Promise<DnsLookup> {
    this.queries.push({ type: 'TXT', name });
    return this.resolve('TXT', name);
  }

  async resolveCaa(name: string): Promise<DnsLookup> {
    this.caaQueries.push(name);
    return this.resolve('CAA', name);
  }

  private resolve(type: 'CNAME' | 'TXT' | 'CAA', name: string): DnsLookup {
    const answer = this.answers[type].get(key(name));
    if (!answer) return lookup('NXDOMAIN');
    return typeof answer === 'function' ? answer(name) : answer;
  }
}

/** A FOUND answer to a CAA query. */
export function caaLookup(...records: CaaRecord[]): DnsLookup {
  return { ...lookup('FOUND', records.map(presentCaa)), caa: records };
}

function key(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

let recordCounter = 0;

/** A pending DNS-validated certificate as RequestCertificate stores it (ids count up across the file). */
export function pendingCertificate(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  recordCounter += 1;
  const accountId = overrides.accountId ?? ACCOUNT;
  const region = overrides.region ?? REGION;
  const id = overrides.id ?? `aaaaaaaa-0000-4000-8000-${recordCounter.toString(16).padStart(12, '0')}`;
  return {
    arn: `arn:aws:acm:${region}:${accountId}:certificate/${id}`,
    accountId,
    id,
    region,
    domainName: 'example.test',
    subjectAlternativeNames: ['example.test'],
    type: 'AMAZON_ISSUED',
    status: 'PENDING_VALIDATION',
    keyAlgorithm: 'RSA_2048',
    signatureAlgorithm: 'SHA256WITHRSA',
    issuer: 'Certwright Test',
    subject: 'CN=example.test',
    domainValidations: [
      {
        domainName: 'example.test',
        validationDomain: 'example.test',
        validationMethod: 'DNS',
        status: 'PENDING_VALIDATION',
        resourceRecord: {
          Name: '_0123456789abcdef0123456789abcdef.example.test.',
          Type: 'CNAME',
          Value: `_fedcba9876543210fedcba9876543210.${VALIDATION_DOMAIN}.`,
        },
      },
    ],
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
    tags: [],
    createdAt: '2026-03-01T12:00:00.000Z',
    validationDeadline: '2026-03-04T12:00:00.000Z',
    inUseBy: [],
    version: 0,
    ...overrides,
  };
}
