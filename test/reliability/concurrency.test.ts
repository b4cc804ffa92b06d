/**
 * Concurrency on the whole local stack, through @aws-sdk/client-acm clients that never retry (so a refusal
 * or a 500 shows as answered): many callers at once on one idempotency token, on one certificate's tags, on
 * one certificate's status, and on one account's quotas. Every race runs for several rounds, so a lost
 * update has more than one chance to show. Each outcome is checked three ways: what every caller was
 * answered, what the API shows afterwards, and what the store holds.
 */
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import {
  ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ExportCertificateCommand,
  ImportCertificateCommand,
  type KeyAlgorithm,
  ListCertificatesCommand,
  RemoveTagsFromCertificateCommand,
  RenewCertificateCommand,
  type RequestCertificateCommandInput,
  RevokeCertificateCommand,
  UpdateCertificateOptionsCommand,
} from '@aws-sdk/client-acm';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';
import { requestWindow } from '../../functions/core/policy/request-window.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../support/eventually.ts';
import { inUseCall } from '../support/in-use-calls.ts';
import { issuedArn, requestedArn } from '../support/issued-certificate.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
  useLocalStack,
} from '../support/local-stack-harness.ts';
import { OpensslWorkbench } from '../support/openssl-certificates.ts';
import { reservedSerials } from '../support/table-inspection.ts';

type Account = typeof ACCOUNT_A;

const ALL_KEY_TYPES: KeyAlgorithm[] = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1'];
const ROUNDS = 3;
const PASSPHRASE = new TextEncoder().encode('concurrency passphrase');

/** What one caller was answered: success, or the ACM error code and message. */
type Outcome<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; name: string; message: string; status: number | undefined };

async function settle<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (caught) {
    const error = caught as Error & { $metadata?: { httpStatusCode?: number } };
    return { ok: false, name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
  }
}

/** SDK clients that never retry, destroyed after the file. */
function clientsFor(stack: () => LocalStack): (account?: Account) => ACMClient {
  const clients = new Map<string, ACMClient>();
  afterAll(() => {
    for (const client of clients.values()) client.destroy();
  });
  return (account = ACCOUNT_A) => {
    let client = clients.get(account.accountId);
    if (!client) {
      client = new ACMClient({
        endpoint: stack().url,
        region: REGION,
        maxAttempts: 1,
        credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
      });
      clients.set(account.accountId, client);
    }
    return client;
  };
}

async function stored(stack: LocalStack, arn: string): Promise<CertificateRecord | undefined> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  return stack.store.get(accountId, certificateId);
}

/** Every certificate the account holds, read from the store page by page. */
async function storedArns(stack: LocalStack, account: Account): Promise<string[]> {
  const arns: string[] = [];
  let startKey: Parameters<LocalStack['store']['list']>[1]['startKey'];
  do {
    const page = await stack.store.list(account.accountId, { limit: 100, startKey });
    arns.push(...page.certificates.map((certificate) => certificate.arn));
    startKey = page.nextKey;
  } while (startKey);
  return arns.sort();
}

async function listedArns(client: ACMClient): Promise<string[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListCertificatesCommand({ MaxItems: 1000, Includes: { keyTypes: ALL_KEY_TYPES }, NextToken }),
    );
    arns.push(...(page.CertificateSummaryList ?? []).map((summary) => summary.CertificateArn as string));
    NextToken = page.NextToken;
  } while (NextToken);
  return arns.sort();
}

function quotaUsage(stack: LocalStack, account: Account) {
  return stack.store.quotaUsage(account.accountId, requestWindow(new Date()));
}

function bareSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+/, '');
}

function refusals(outcomes: Outcome[]): Array<{ name: string; message: string; status: number | undefined }> {
  return outcomes.flatMap((outcome) =>
    outcome.ok ? [] : [{ name: outcome.name, message: outcome.message, status: outcome.status }],
  );
}

describe('on the default quotas', () => {
  const local = useLocalStack();
  const client = clientsFor(() => local.stack);

  /** ISSUED certificates for names in the local zone, requested at once; exportable, so renewable. */
  const issuedCertificates = (prefix: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        issuedArn(client(), {
          DomainName: `${prefix}-${index}.local.test`,
          ValidationMethod: 'DNS',
          KeyAlgorithm: 'EC_prime256v1',
          Options: { Export: 'ENABLED' },
        }),
      ),
    );

  /** The serials on a CRL published now, lowercase hex without leading zeros. */
  async function crlSerials(): Promise<string[]> {
    await local.stack.publishCrl();
    const crl = new x509.X509Crl(new Uint8Array(await readFile(local.stack.crlPath)));
    return crl.entries.map((entry) => bareSerial(entry.serialNumber));
  }

  async function loggedEvents(): Promise<Array<{ 'detail-type'?: string; resources?: string[] }>> {
    const text = await readFile(local.stack.eventLogPath, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  }

  describe('RequestCertificate with one IdempotencyToken', () => {
    it('gives 100 concurrent requests one ARN, one stored certificate, one quota count and one issuance', async () => {
      const input: RequestCertificateCommandInput = {
        DomainName: 'idempotent.local.test',
        ValidationMethod: 'DNS',
        IdempotencyToken: 'concurrentToken100',
      };
      const heldBefore = await storedArns(local.stack, ACCOUNT_A);
      const usageBefore = await quotaUsage(local.stack, ACCOUNT_A);

      const outcomes = await Promise.all(
        Array.from({ length: 100 }, () => settle(requestedArn(client(), input))),
      );
      expect(refusals(outcomes)).toEqual([]);
      const arns = new Set(outcomes.map((outcome) => (outcome.ok ? outcome.value : '')));
      expect(arns.size).toBe(1);
      const [arn] = [...arns] as [string];
      expect(arn).toMatch(new RegExp(`^arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:certificate/`));

      expect(await storedArns(local.stack, ACCOUNT_A)).toEqual([...heldBefore, arn].sort());
      expect(await quotaUsage(local.stack, ACCOUNT_A)).toEqual({
        certificates: usageBefore.certificates + 1,
        requests: usageBefore.requests + 1,
      });

      // One workflow ran: one serial reserved, one Available event.
      await eventually(async () => (await stored(local.stack, arn))?.status === 'ISSUED', `${arn} issued`);
      expect(await reservedSerials(local.stack, arn)).toHaveLength(1);
      const available = (await loggedEvents()).filter(
        (event) => event['detail-type'] === 'ACM Certificate Available' && event.resources?.includes(arn),
      );
      expect(available).toHaveLength(1);

      // A later repeat within the hour gets the same ARN and creates nothing; another token is another
      // certificate; tokens belong to an account.
      expect(await requestedArn(client(), input)).toBe(arn);
      const otherToken = await requestedArn(client(), { ...input, IdempotencyToken: 'concurrentToken101' });
      expect(otherToken).not.toBe(arn);
      const inB = await requestedArn(client(ACCOUNT_B), input);
      expect(inB).toMatch(new RegExp(`:${ACCOUNT_B.accountId}:certificate/`));
      expect(parseCertificateArn(inB).certificateId).not.toBe(parseCertificateArn(arn).certificateId);
      expect(await storedArns(local.stack, ACCOUNT_A)).toEqual([...heldBefore, arn, otherToken].sort());
    });

    it('keeps tokens per account when both accounts race with the same token, round after round', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const input = {
          DomainName: `race-${round}.example.test`,
          ValidationMethod: 'EMAIL' as const,
          IdempotencyToken: `sharedRaceToken${round}`,
        };
        const before = {
          a: await storedArns(local.stack, ACCOUNT_A),
          b: await storedArns(local.stack, ACCOUNT_B),
        };
        const results = await Promise.all(
          Array.from({ length: 40 }, async (_, index) => {
            const account = index % 2 === 0 ? ACCOUNT_A : ACCOUNT_B;
            return { account, arn: await requestedArn(client(account), input) };
          }),
        );
        const arnsOf = (account: Account) => [
          ...new Set(results.filter((result) => result.account === account).map(({ arn }) => arn)),
        ];
        const [arnA, ...moreA] = arnsOf(ACCOUNT_A);
        const [arnB, ...moreB] = arnsOf(ACCOUNT_B);
        expect({ round, moreA, moreB }).toEqual({ round, moreA: [], moreB: [] });
        expect(arnA).toMatch(new RegExp(`:${ACCOUNT_A.accountId}:certificate/`));
        expect(arnB).toMatch(new RegExp(`:${ACCOUNT_B.accountId}:certificate/`));
        expect(await storedArns(local.stack, ACCOUNT_A)).toEqual([...before.a, arnA].sort());
        expect(await storedArns(local.stack, ACCOUNT_B)).toEqual([...before.b, arnB].sort());
      }
    });
  });

  describe('tag updates on one certificate', () => {
    const tagsOf = async (arn: string) => (await stored(local.stack, arn))?.tags ?? [];

    it('keeps every concurrent add and remove of distinct keys', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const old = Array.from({ length: 12 }, (_, index) => ({ Key: `old${index}`, Value: `${index}` }));
        const arn = await requestedArn(client(), {
          DomainName: `tags-${round}.example.test`,
          ValidationMethod: 'EMAIL',
          Tags: old,
        });
        const added = Array.from({ length: 12 }, (_, index) => ({ Key: `new${index}`, Value: `v${round}` }));
        const outcomes = await Promise.all([
          ...added.map((tag) =>
            settle(client().send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [tag] }))),
          ),
          ...old.map(({ Key }) =>
            settle(
              client().send(new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: [{ Key }] })),
            ),
          ),
        ]);
        expect({ round, refused: refusals(outcomes) }).toEqual({ round, refused: [] });
        const sortByKey = (tags: Array<{ Key: string }>) =>
          [...tags].sort((x, y) => x.Key.localeCompare(y.Key));
        expect(sortByKey(await tagsOf(arn))).toEqual(sortByKey(added));
      }
    });

    it('never lets concurrent adds take a certificate past 50 tags', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        // 44 tags already, 12 concurrent adds of new keys: room for 6 of them.
        const present = Array.from({ length: 44 }, (_, index) => ({ Key: `present${index}` }));
        const arn = await requestedArn(client(), {
          DomainName: `tag-limit-${round}.example.test`,
          ValidationMethod: 'EMAIL',
          Tags: present,
        });
        const tags = Array.from({ length: 12 }, (_, index) => ({ Key: `key${index}`, Value: `${round}` }));
        const outcomes = await Promise.all(
          tags.map((tag) =>
            settle(client().send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [tag] }))),
          ),
        );
        const added = tags.filter((_, index) => outcomes[index]?.ok);
        expect({ round, added: added.length }).toEqual({ round, added: 6 });
        for (const refusal of refusals(outcomes)) {
          expect(refusal).toEqual({
            name: 'TooManyTagsException',
            message: `The certificate ${arn} would have 51 tags; a certificate can have at most 50 tags.`,
            status: 400,
          });
        }
        const keys = (await tagsOf(arn)).map(({ Key }) => Key).sort();
        expect(keys).toEqual([...present, ...added].map(({ Key }) => Key).sort());
      }
    });
  });

  describe('status changes on one ISSUED certificate', () => {
    it('revokes, or associates, never both; tags, options and an export before the revocation all stay', async () => {
      const arns = await issuedCertificates('revoke-race', ROUNDS * 2);
      for (const [round, arn] of arns.entries()) {
        const resource = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT_A.accountId}:loadbalancer/app/r${round}`;
        const [revoke, tag, options, exported, associate] = await Promise.all([
          settle(
            client().send(
              new RevokeCertificateCommand({ CertificateArn: arn, RevocationReason: 'SUPERSEDED' }),
            ),
          ),
          settle(
            client().send(
              new AddTagsToCertificateCommand({
                CertificateArn: arn,
                Tags: [{ Key: 'round', Value: `${round}` }],
              }),
            ),
          ),
          settle(
            client().send(
              new UpdateCertificateOptionsCommand({
                CertificateArn: arn,
                Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
              }),
            ),
          ),
          settle(
            client().send(new ExportCertificateCommand({ CertificateArn: arn, Passphrase: PASSPHRASE })),
          ),
          // Even rounds race an association too; odd ones let the revocation through.
          round % 2 === 0
            ? inUseCall(local.stack, 'AssociateCertificate', { CertificateArn: arn, ResourceArn: resource })
            : Promise.resolve(undefined),
        ]);
        const after = (await stored(local.stack, arn)) as CertificateRecord;
        const context = { round, revoke, exported, associate };
        const onCrl = (await crlSerials()).includes(bareSerial(after.issued?.serialHex ?? ''));

        // Tags and options change in any status.
        expect(tag.ok && options.ok, JSON.stringify(context)).toBe(true);
        expect(after.tags).toEqual([{ Key: 'round', Value: `${round}` }]);
        expect(after.options.certificateTransparencyLoggingPreference).toBe('DISABLED');

        // Revoked and in use are exclusive: the loser was told why.
        const associated = associate?.status === 200;
        expect(revoke.ok && associated, JSON.stringify(context)).toBe(false);
        if (revoke.ok) {
          expect(after.status).toBe('REVOKED');
          expect(after.inUseBy).toEqual([]);
          expect(after.revocation?.reason).toBe('SUPERSEDED');
          expect(onCrl).toBe(true);
        } else {
          expect(revoke).toMatchObject({ name: 'ResourceInUseException', status: 400 });
          expect(after.status).toBe('ISSUED');
          expect(after.revocation).toBeUndefined();
          // A refused revocation lists nothing: a certificate in use is never on the CRL.
          expect(onCrl).toBe(false);
        }
        if (associate) {
          if (associated) expect(after.inUseBy).toEqual([resource]);
          else expect(associate.json.__type).toBe('InvalidStateException');
        }

        // An export either got the key while ISSUED, and is counted, or was refused and counted nothing.
        if (exported.ok) {
          expect(exported.value.PrivateKey).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
          expect(after.exported?.count).toBe(1);
        } else {
          expect(exported).toMatchObject({ name: 'ValidationException', status: 400 });
          expect(after.exported).toBeUndefined();
        }
      }
    });

    it('revokes and deletes in either order, and the record follows the winner', async () => {
      const arns = await issuedCertificates('revoke-delete', ROUNDS);
      for (const [round, arn] of arns.entries()) {
        const serial = bareSerial((await stored(local.stack, arn))?.issued?.serialHex ?? '');
        const [revoke, deleted] = await Promise.all([
          settle(
            client().send(
              new RevokeCertificateCommand({ CertificateArn: arn, RevocationReason: 'KEY_COMPROMISE' }),
            ),
          ),
          settle(client().send(new DeleteCertificateCommand({ CertificateArn: arn }))),
        ]);
        // DeleteCertificate takes a revoked certificate too, so it always succeeds; a revocation that came
        // too late finds nothing to revoke.
        expect({ round, deleted }).toEqual({ round, deleted: { ok: true, value: expect.anything() } });
        // A revocation answered is on the CRL. One that lost to the delete after recording the serial is
        // answered ResourceNotFoundException, its serial listed all the same (the safe side).
        if (revoke.ok) expect(await crlSerials()).toContain(serial);
        else {
          expect(revoke).toEqual({
            ok: false,
            name: 'ResourceNotFoundException',
            message: `Could not find certificate ${arn}.`,
            status: 400,
          });
        }
        expect(await stored(local.stack, arn)).toBeUndefined();
        expect(
          await settle(client().send(new DescribeCertificateCommand({ CertificateArn: arn }))),
        ).toMatchObject({ ok: false, name: 'ResourceNotFoundException' });
      }
    });

    it('never deletes a certificate an association kept in use', async () => {
      const arns = await issuedCertificates('associate-delete', ROUNDS);
      for (const [round, arn] of arns.entries()) {
        const resource = `arn:aws:cloudfront::${ACCOUNT_A.accountId}:distribution/D${round}`;
        const [associate, deleted] = await Promise.all([
          inUseCall(local.stack, 'AssociateCertificate', { CertificateArn: arn, ResourceArn: resource }),
          settle(client().send(new DeleteCertificateCommand({ CertificateArn: arn }))),
        ]);
        const after = await stored(local.stack, arn);
        const context = JSON.stringify({ round, associate, deleted });
        if (deleted.ok) {
          expect(after, context).toBeUndefined();
          expect(associate, context).toMatchObject({
            status: 400,
            json: { __type: 'ResourceNotFoundException' },
          });
        } else {
          expect(deleted, context).toMatchObject({ name: 'ResourceInUseException', status: 400 });
          expect(associate.status, context).toBe(200);
          expect(after?.inUseBy, context).toEqual([resource]);
        }
      }
    });

    it('starts one renewal cycle for many concurrent RenewCertificate calls', async () => {
      const [arn] = (await issuedCertificates('renew-race', 1)) as [string];
      await client().send(new ExportCertificateCommand({ CertificateArn: arn, Passphrase: PASSPHRASE }));
      const issuedSerial = (await stored(local.stack, arn))?.issued?.serialHex;

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () =>
          settle(client().send(new RenewCertificateCommand({ CertificateArn: arn }))),
        ),
      );
      expect(refusals(outcomes)).toEqual([]);
      const renewed = await eventually(async () => {
        const certificate = await stored(local.stack, arn);
        return certificate?.renewal?.status === 'SUCCESS' ? certificate : undefined;
      }, `${arn} renewed`);
      expect(renewed.renewal?.cycle).toBe(1);
      expect(renewed.issued?.serialHex).not.toBe(issuedSerial);
      // The issuance and one renewal: two serials, never a third.
      expect(await reservedSerials(local.stack, arn)).toHaveLength(2);
    });
  });
});

describe('on small quotas', () => {
  const CERTIFICATES = 6;
  const REQUESTS = 9;
  let stack: LocalStack;
  let cleanupDataDir: (() => Promise<void>) | undefined;
  let bench: OpensslWorkbench;
  let leaf: { certificate: string; privateKey: string };
  const client = clientsFor(() => stack);

  beforeAll(async () => {
    const data = await makeDataDir();
    cleanupDataDir = data.cleanup;
    stack = await startTestStack(
      testSettings(data.dataDir, {
        maxCertificates: String(CERTIFICATES),
        maxRequestsPerYear: String(REQUESTS),
      }),
    );
    bench = await OpensslWorkbench.create();
    const made = await bench.makeLeaf({ keyType: 'RSA_2048', names: ['imported.quota.test'] });
    leaf = { certificate: made.pem, privateKey: made.key.pem };
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupDataDir?.();
    await bench?.cleanup();
  });

  const encoded = (text: string) => new TextEncoder().encode(text);

  /** 20 RequestCertificate calls (each its own token) and 10 ImportCertificate calls, all at once. */
  async function race(account: Account, label: string): Promise<{ created: string[]; refused: Outcome[] }> {
    const outcomes = await Promise.all([
      ...Array.from({ length: 20 }, (_, index) =>
        settle(
          requestedArn(client(account), {
            DomainName: `${label}-${index}.example.test`,
            ValidationMethod: 'EMAIL',
            IdempotencyToken: `${label.replaceAll('-', '')}${index}`,
          }),
        ),
      ),
      ...Array.from({ length: 10 }, () =>
        settle(
          client(account)
            .send(
              new ImportCertificateCommand({
                Certificate: encoded(leaf.certificate),
                PrivateKey: encoded(leaf.privateKey),
              }),
            )
            .then(({ CertificateArn }) => CertificateArn as string),
        ),
      ),
    ]);
    return {
      created: outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : [])).sort(),
      refused: outcomes.filter((outcome) => !outcome.ok),
    };
  }

  const certificatesRefusal = {
    ok: false,
    name: 'LimitExceededException',
    message: `Error: you have reached your limit of ${CERTIFICATES} certificates in this account. Delete certificates you no longer need to request more.`,
    status: 400,
  };
  const requestsRefusal = {
    ok: false,
    name: 'LimitExceededException',
    message: `Error: you have reached your limit of ${REQUESTS} certificates in the last year.`,
    status: 400,
  };

  it('creates exactly the certificates an account may hold, and refuses the rest with ACM’s message', async () => {
    for (const account of [ACCOUNT_A, ACCOUNT_B]) {
      const { created, refused } = await race(account, `held-${account.accountId}`);
      expect(created).toHaveLength(CERTIFICATES);
      expect(refused).toHaveLength(30 - CERTIFICATES);
      for (const refusal of refused) expect(refusal).toEqual(certificatesRefusal);
      expect(await storedArns(stack, account)).toEqual(created);
      expect(await listedArns(client(account))).toEqual(created);
      expect(await quotaUsage(stack, account)).toEqual({
        certificates: CERTIFICATES,
        requests: CERTIFICATES,
      });
    }
  });

  it('creates exactly the requests left in the year once held slots are freed', async () => {
    for (const account of [ACCOUNT_A, ACCOUNT_B]) {
      for (const arn of await storedArns(stack, account)) {
        await client(account).send(new DeleteCertificateCommand({ CertificateArn: arn }));
      }
      expect(await quotaUsage(stack, account)).toEqual({ certificates: 0, requests: CERTIFICATES });

      const { created, refused } = await race(account, `year-${account.accountId}`);
      expect(created).toHaveLength(REQUESTS - CERTIFICATES);
      expect(refused).toHaveLength(30 - (REQUESTS - CERTIFICATES));
      for (const refusal of refused) expect(refusal).toEqual(requestsRefusal);
      expect(await storedArns(stack, account)).toEqual(created);
      expect(await quotaUsage(stack, account)).toEqual({
        certificates: REQUESTS - CERTIFICATES,
        requests: REQUESTS,
      });
    }
  });
});
