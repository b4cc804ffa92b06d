import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listCertificates } from '../../../functions/core/certificates/list-certificates.ts';
import type { CertificateRecord, CertificateStatus } from '../../../functions/core/model.ts';
import { searchCertificates } from '../../../functions/core/search/search-certificates.ts';
import { HmacMac, pendingCertificate, TEST_SETTINGS, useDynaliteStore } from './core-fixtures.ts';

// While certificates are added between page reads, every certificate present throughout shows up exactly
// once across the pages, and no certificate shows up twice: for the unsorted listing (key order), the
// listing sorted by CREATED_AT both ways, and SearchCertificates.

const dynamo = useDynaliteStore();
const mac = new HmacMac();

interface Spec {
  createdMinute: number;
  status: CertificateStatus;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  // Few distinct times, so ties between certificates are common.
  createdMinute: fc.integer({ min: 0, max: 4 }),
  status: fc.constantFrom<CertificateStatus>('ISSUED', 'PENDING_VALIDATION'),
});

const scenario = fc.record({
  initial: fc.array(spec, { minLength: 1, maxLength: 10 }),
  addedAfterEachPage: fc.array(fc.array(spec, { maxLength: 3 }), { maxLength: 8 }),
  pageSize: fc.integer({ min: 1, max: 4 }),
  onlyIssued: fc.boolean(),
});

type Reader = (
  accountId: string,
  page: { size: number; token?: string; onlyIssued: boolean },
) => Promise<{ arns: string[]; token?: string }>;

const readers: Record<string, Reader> = {
  'unsorted listing': async (accountId, { size, token, onlyIssued }) => {
    const page = await listCertificates({ store: dynamo.store, mac }, accountId, {
      statuses: onlyIssued ? ['ISSUED'] : undefined,
      maxItems: size,
      nextToken: token,
    });
    return { arns: page.certificates.map((c) => c.arn), token: page.nextToken };
  },
  ...Object.fromEntries(
    (['ASCENDING', 'DESCENDING'] as const).map((order): [string, Reader] => [
      `listing sorted by CREATED_AT ${order}`,
      async (accountId, { size, token, onlyIssued }) => {
        const page = await listCertificates({ store: dynamo.store, mac }, accountId, {
          statuses: onlyIssued ? ['ISSUED'] : undefined,
          sort: { by: 'CREATED_AT', order },
          maxItems: size,
          nextToken: token,
        });
        return { arns: page.certificates.map((c) => c.arn), token: page.nextToken };
      },
    ]),
  ),
  ...Object.fromEntries(
    (['CREATED_AT', 'CERTIFICATE_ARN'] as const).map((sortBy): [string, Reader] => [
      `SearchCertificates sorted by ${sortBy}`,
      async (accountId, { size, token, onlyIssued }) => {
        const page = await searchCertificates(
          { store: dynamo.store, mac, settings: TEST_SETTINGS },
          accountId,
          {
            filter: onlyIssued ? { filter: { metadata: { field: 'status', value: 'ISSUED' } } } : undefined,
            sortBy,
            sortOrder: 'DESCENDING',
            maxResults: size,
            nextToken: token,
          },
        );
        return { arns: page.results.map((result) => result.arn), token: page.nextToken };
      },
    ]),
  ),
};

let accountCounter = 0;

/** A new account per run, and certificate ids scattered over the key order by a hash. */
function newAccount() {
  accountCounter += 1;
  const accountId = String(300000000000 + accountCounter);
  let certificates = 0;
  const make = ({ createdMinute, status }: Spec): CertificateRecord => {
    certificates += 1;
    const hex = createHash('sha256').update(`${accountId}/${certificates}`).digest('hex');
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    const createdAt = new Date(Date.UTC(2026, 2, 1, 12, createdMinute)).toISOString();
    return pendingCertificate({ accountId, id, status, createdAt });
  };
  return { accountId, make };
}

describe('pagination while certificates are added', () => {
  for (const [name, read] of Object.entries(readers)) {
    it(`loses and repeats nothing: ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ initial, addedAfterEachPage, pageSize, onlyIssued }) => {
          const { accountId, make } = newAccount();
          const present = initial.map(make);
          await Promise.all(present.map((certificate) => dynamo.store.create(certificate)));

          const seen: string[] = [];
          let token: string | undefined;
          let pages = 0;
          do {
            const page = await read(accountId, { size: pageSize, token, onlyIssued });
            expect(page.arns.length).toBeLessThanOrEqual(pageSize);
            seen.push(...page.arns);
            token = page.token;
            const added = (addedAfterEachPage[pages] ?? []).map(make);
            await Promise.all(added.map((certificate) => dynamo.store.create(certificate)));
            pages += 1;
          } while (token && pages < 100);

          expect(token).toBeUndefined();
          expect(new Set(seen).size).toBe(seen.length);
          const expected = present.filter((c) => !onlyIssued || c.status === 'ISSUED').map((c) => c.arn);
          expect(seen).toEqual(expect.arrayContaining(expected));
        }),
        { numRuns: 20 },
      );
    });
  }
});
