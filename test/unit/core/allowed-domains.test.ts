/** The allow list through RequestCertificate: names outside it are refused before anything is stored. */
import { describe, expect, it } from 'vitest';
import {
  type CertificateRequest,
  requestCertificate,
} from '../../../functions/core/certificates/request-certificate.ts';
import { InvalidParameterError, ValidationError } from '../../../functions/core/errors.ts';
import { requestWindow } from '../../../functions/core/policy/request-window.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import {
  accountSeries,
  RecordingWorkflow,
  requestCertificateDeps,
  TEST_SETTINGS,
  useDynaliteStore,
} from './core-fixtures.ts';

const dynamo = useDynaliteStore();

const nextAccount = accountSeries(500_000_000_000, '4444');

function setup(allowed: string[]) {
  const { accountId, random } = nextAccount();
  const workflow = new RecordingWorkflow();
  const clock = new FakeClock(new Date('2026-03-01T12:00:00.000Z'));
  const deps = requestCertificateDeps(dynamo.store, clock, {
    workflow,
    random,
    settings: { ...TEST_SETTINGS, domainPolicy: { denied: [], allowed } },
  });
  return {
    workflow,
    request: (domainName: string, more: Partial<CertificateRequest> = {}) =>
      requestCertificate(deps, accountId, { domainName, validationMethod: 'DNS', ...more }),
    stored: async () => (await dynamo.store.list(accountId, { limit: 100 })).certificates,
    usage: () => dynamo.store.quotaUsage(accountId, requestWindow(clock.now())),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

const ALLOWED = ['.example.com', 'api.example.net'];
const HINT = '(a leading dot means the domain and every name below it).';

describe('the allow list', () => {
  it('accepts names it covers, wildcards under a domain entry included, in any letter case', async () => {
    const t = setup(ALLOWED);
    await t.request('example.com', {
      subjectAlternativeNames: ['WWW.Example.com', '*.example.com', '*.deep.example.com', 'API.example.net'],
    });
    expect(await t.stored()).toHaveLength(1);
  });

  it('refuses a name outside it with InvalidParameterException naming it and the allowed domains', async () => {
    const t = setup(ALLOWED);
    const error = await rejection(
      t.request('www.example.com', { subjectAlternativeNames: ['shop.example.org'] }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toBe(
      `Domain name shop.example.org is not allowed here: this deployment certifies only .example.com, api.example.net ${HINT}`,
    );
    expect(await t.stored()).toEqual([]);
    expect(t.workflow.starts).toEqual([]);
    expect(await t.usage()).toEqual({ certificates: 0, requests: 0 });
  });

  it('names every refused name, and takes a single-name entry for that name only', async () => {
    const t = setup(ALLOWED);
    const error = await rejection(
      t.request('api.example.net', { subjectAlternativeNames: ['www.api.example.net', '*.example.net'] }),
    );
    expect(error.message).toBe(
      `Domain names www.api.example.net, *.example.net are not allowed here: this deployment certifies only .example.com, api.example.net ${HINT}`,
    );
  });

  it('refuses a wildcard whose names an entry does not all cover', async () => {
    const t = setup(['.www.example.com', 'api.example.com']);
    expect(await rejection(t.request('*.example.com'))).toBeInstanceOf(InvalidParameterError);
  });

  it('leaves the name checks first: a malformed name is still a ValidationException', async () => {
    const t = setup(ALLOWED);
    expect(await rejection(t.request('bad_name.example.org'))).toBeInstanceOf(ValidationError);
  });

  it('allows every name when empty', async () => {
    const t = setup([]);
    await t.request('anything.example.org', { subjectAlternativeNames: ['*.example.net'] });
    expect(await t.stored()).toHaveLength(1);
  });
});
