/**
 * Bad input, fuzzed: every routed operation of the ACM API gets requests made invalid by construction (a
 * valid request mutated by one defect, with unknown members added; bodies that are not JSON objects or not
 * UTF-8; media types that are not JSON; targets that name no operation; bodies over the server's limit),
 * signed like any client's. Every answer is a 4xx with an ACM error code that fits the defect and a message
 * that gives nothing away; the stack keeps answering; the table and the event log are left as they were.
 *
 * Certwright.RunSchedule, the local stack's own target, reads no body: it has nothing to fuzz.
 */
import {
  DescribeCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
} from '@aws-sdk/client-acm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../functions/api/operations.ts';
import { invalidJson, notJsonContentType, notUtf8, unknownTarget } from '../support/fuzz-bodies.ts';
import type { ImportMaterial } from '../support/fuzz-certificate-material.ts';
import { extraMembers } from '../support/fuzz-mutations.ts';
import { type FuzzTargets, type OperationModel, operationModels } from '../support/fuzz-operation-models.ts';
import { type StoredState, storedState } from '../support/fuzz-stored-state.ts';
import { ACM_TARGET_PREFIX, expectRefusal, FuzzCaller } from '../support/fuzz-wire.ts';
import { issuedArn } from '../support/issued-certificate.ts';
import { ACCOUNT_B, useLocalStack } from '../support/local-stack-harness.ts';
import { chainPem, OpensslWorkbench } from '../support/openssl-certificates.ts';

const local = useLocalStack();
const caller = new FuzzCaller(() => local.stack);
const OPERATION_NAMES = Object.keys(OPERATIONS).sort();
/** The local server's body limit (local/http-server.ts); a longer body is read, dropped and refused with 413. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const WORK_DIRECTORY = process.cwd();

/**
 * Runs per property: member defects per operation, and each body-level family over all operations.
 * CERTWRIGHT_FUZZ_SCALE multiplies them for a longer search (e.g. 20 for about 60,000 requests).
 */
const SCALE = Math.max(1, Number(process.env.CERTWRIGHT_FUZZ_SCALE ?? 1) || 1);
const RUNS = { perOperation: 90 * SCALE, bodies: 300 * SCALE, oversized: 4 };

let bench: OpensslWorkbench;
let targets: FuzzTargets;
let models: Record<string, OperationModel>;
let before: StoredState;

beforeAll(async () => {
  bench = await OpensslWorkbench.create();
  const root = await bench.makeCa({ subject: '/O=Fuzz Root/CN=Fuzz Root' });
  const leaf = await bench.makeLeaf({ issuer: root, names: ['fuzz-imported.example.test'] });
  const material: ImportMaterial = {
    certificatePem: leaf.pem,
    privateKeyPem: leaf.key.pem,
    chainPem: chainPem(root),
    otherKeyPem: (await bench.makeKey('EC_prime256v1')).pem,
    encryptedKeyPem: await bench.encryptedPem(leaf.key, 'fuzz passphrase', 'pkcs8'),
  };
  const importInto = async (client: ReturnType<typeof local.client>) => {
    const { CertificateArn } = await client.send(
      new ImportCertificateCommand({
        Certificate: Buffer.from(material.certificatePem),
        PrivateKey: Buffer.from(material.privateKeyPem),
        CertificateChain: Buffer.from(material.chainPem),
      }),
    );
    if (!CertificateArn) throw new Error('ImportCertificate returned no ARN');
    return CertificateArn;
  };
  targets = {
    issuedArn: await issuedArn(local.client(), {
      DomainName: 'fuzz-issued.local.test',
      ValidationMethod: 'DNS',
    }),
    importedArn: await importInto(local.client()),
    otherAccountArn: await importInto(local.client(ACCOUNT_B)),
    material,
  };
  models = operationModels(targets);
  // The issuance's run and the CRL it may ask for are over before the state is taken.
  await local.stack.runner.idle();
  await local.stack.publishCrl();
  before = await storedState(local.stack);
});

afterAll(async () => {
  await bench?.cleanup();
  console.log(`API fuzz: ${caller.count} requests tried over ${OPERATION_NAMES.length} operations`);
});

async function expectNothingChanged(): Promise<void> {
  expect(await storedState(local.stack)).toEqual(before);
}

/** An operation, with a body made from its valid request by `spoil`. */
function withBodyOf<Body>(spoil: (validBody: string) => fc.Arbitrary<Body>): fc.Arbitrary<[string, Body]> {
  return fc
    .constantFrom(...OPERATION_NAMES)
    .chain((operation) => fc.tuple(fc.constant(operation), spoil(JSON.stringify(modelOf(operation).valid))));
}

function modelOf(operation: string): OperationModel {
  const model = models[operation];
  if (!model)
    throw new Error(`no fuzz model for ${operation}: add one to test/support/fuzz-operation-models.ts`);
  return model;
}

describe('the ACM API under bad input', () => {
  it('has a fuzz model for every routed operation', () => {
    expect(Object.keys(models).sort()).toEqual(OPERATION_NAMES);
  });

  describe.each(OPERATION_NAMES)('%s', (operation) => {
    it('refuses each member defect with its ACM error and changes nothing', async () => {
      const { mutations } = modelOf(operation);
      if (mutations.length === 0) {
        // An operation without members has only the body-level defects below.
        expect(modelOf(operation).valid).toEqual({});
        return;
      }
      await fc.assert(
        fc.asyncProperty(fc.oneof(...mutations), extraMembers, async (mutation, extra) => {
          const answer = await caller.operation(operation, { ...extra, ...mutation.input });
          expectRefusal(answer, mutation.refusal, WORK_DIRECTORY);
        }),
        { numRuns: RUNS.perOperation },
      );
      await expectNothingChanged();
    });
  });

  it('refuses bodies that are not a JSON object with SerializationException', async () => {
    await fc.assert(
      fc.asyncProperty(withBodyOf(invalidJson), async ([operation, body]) => {
        const answer = await caller.call({ target: `${ACM_TARGET_PREFIX}${operation}`, body });
        expectRefusal(answer, { codes: ['SerializationException'] }, WORK_DIRECTORY);
      }),
      { numRuns: RUNS.bodies },
    );
    await expectNothingChanged();
  });

  it('refuses bodies that are not UTF-8 with SerializationException', async () => {
    await fc.assert(
      fc.asyncProperty(withBodyOf(notUtf8), async ([operation, body]) => {
        const answer = await caller.call({ target: `${ACM_TARGET_PREFIX}${operation}`, body });
        expectRefusal(answer, { codes: ['SerializationException'] }, WORK_DIRECTORY);
      }),
      { numRuns: RUNS.bodies / 3 },
    );
    await expectNothingChanged();
  });

  it('refuses a valid request sent as any media type but JSON with 404 UnknownOperationException', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATION_NAMES),
        notJsonContentType,
        async (operation, contentType) => {
          const answer = await caller.operation(operation, modelOf(operation).valid, contentType);
          expectRefusal(answer, { status: 404, codes: ['UnknownOperationException'] }, WORK_DIRECTORY);
        },
      ),
      { numRuns: RUNS.bodies },
    );
    await expectNothingChanged();
  });

  it('refuses targets that name no operation with UnknownOperationException', async () => {
    await fc.assert(
      fc.asyncProperty(unknownTarget(OPERATION_NAMES, ACM_TARGET_PREFIX), async (target) => {
        const answer = await caller.call({ target, body: '{}' });
        expectRefusal(answer, { codes: ['UnknownOperationException'] }, WORK_DIRECTORY);
      }),
      { numRuns: RUNS.bodies / 2 },
    );
    await expectNothingChanged();
  });

  it('refuses a body over the 4 MiB limit with 413 and reads one just within it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATION_NAMES),
        fc.integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES * 2 }),
        async (operation, size) => {
          const answer = await caller.call({
            target: `${ACM_TARGET_PREFIX}${operation}`,
            body: 'x'.repeat(size),
          });
          expectRefusal(answer, { status: 413, codes: ['SerializationException'] }, WORK_DIRECTORY);
        },
      ),
      { numRuns: RUNS.oversized },
    );
    const padding = 'a'.repeat(MAX_BODY_BYTES - '{"DomainName":""}'.length);
    const withinLimit = await caller.operation('RequestCertificate', { DomainName: padding });
    expectRefusal(withinLimit, { codes: ['ValidationException'] }, WORK_DIRECTORY);
    await expectNothingChanged();
  });

  it('still answers, with the seeded certificates as they were', async ({ annotate }) => {
    const client = local.client();
    const { Certificate } = await client.send(
      new DescribeCertificateCommand({ CertificateArn: targets.issuedArn }),
    );
    expect(Certificate?.Status).toBe('ISSUED');
    const { CertificateSummaryList } = await client.send(
      new ListCertificatesCommand({ Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] } }),
    );
    expect(CertificateSummaryList?.map((summary) => summary.CertificateArn).sort()).toEqual(
      [targets.issuedArn, targets.importedArn].sort(),
    );
    await expectNothingChanged();
    const minimum = OPERATION_NAMES.length * RUNS.perOperation;
    expect(caller.count).toBeGreaterThan(minimum);
    await annotate(`${caller.count} requests tried over ${OPERATION_NAMES.length} operations`);
  });
});
