import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Account,
  AccountsFileError,
  loadOrCreateAccounts,
  lookupCredential,
} from '../../local/auth/accounts-file.ts';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'certwright-accounts-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeAccountsFile(content: unknown): Promise<string> {
  const path = join(directory, 'accounts.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return path;
}

const key = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'secret' });

describe('loadOrCreateAccounts', () => {
  it('creates a missing file, in a missing directory, readable only by its owner', async () => {
    const path = join(directory, 'nested', 'config', 'accounts.json');
    const result = await loadOrCreateAccounts(path);

    expect(result.created).toBe(true);
    expect(result.path).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ accounts: result.accounts });
  });

  it('fills the new file with one account and one AWS-shaped access key', async () => {
    const { accounts } = await loadOrCreateAccounts(join(directory, 'accounts.json'));

    expect(accounts).toHaveLength(1);
    const [account] = accounts as [Account];
    expect(account.accountId).toMatch(/^[1-9]\d{11}$/);
    expect(account.accessKeys).toHaveLength(1);
    const [{ accessKeyId, secretAccessKey }] = account.accessKeys as [
      { accessKeyId: string; secretAccessKey: string },
    ];
    expect(accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(secretAccessKey).toMatch(/^[A-Za-z0-9/+]{40}$/);
  });

  it('draws every character from the random source it is given', async () => {
    const allZero = { bytes: (length: number) => new Uint8Array(length) };
    const { accounts } = await loadOrCreateAccounts(join(directory, 'accounts.json'), allZero);

    expect(accounts).toEqual([
      {
        accountId: '100000000000',
        accessKeys: [{ accessKeyId: `AKIA${'A'.repeat(16)}`, secretAccessKey: 'A'.repeat(40) }],
      },
    ]);
  });

  it('creates different credentials each time with the default crypto source', async () => {
    const first = await loadOrCreateAccounts(join(directory, 'a.json'));
    const second = await loadOrCreateAccounts(join(directory, 'b.json'));

    expect(first.accounts[0]?.accountId).not.toBe(second.accounts[0]?.accountId);
    expect(first.accounts[0]?.accessKeys[0]?.secretAccessKey).not.toBe(
      second.accounts[0]?.accessKeys[0]?.secretAccessKey,
    );
  });

  it('reloads an existing file unchanged instead of creating new keys', async () => {
    const path = join(directory, 'accounts.json');
    const created = await loadOrCreateAccounts(path);
    const before = await readFile(path, 'utf8');

    const reloaded = await loadOrCreateAccounts(path);

    expect(reloaded).toEqual({ accounts: created.accounts, created: false, path });
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('loads a hand-written file with several accounts and keys', async () => {
    const accounts = [
      { accountId: '111122223333', accessKeys: [key('AKIAFIRSTKEY00000001'), key('AKIAFIRSTKEY00000002')] },
      { accountId: '444455556666', accessKeys: [key('local_admin_key_0001')] },
    ];
    const path = await writeAccountsFile({ accounts });

    expect(await loadOrCreateAccounts(path)).toEqual({ accounts, created: false, path });
  });

  it.each([
    ['invalid JSON', '{"accounts": [', 'not valid JSON'],
    ['no accounts list', { users: [] }, 'expected { "accounts": [ ... ] } with at least one account'],
    ['an empty accounts list', { accounts: [] }, 'with at least one account'],
    [
      'an 11-digit account ID',
      { accounts: [{ accountId: '12345678901', accessKeys: [] }] },
      'accounts[0].accountId must be a string of 12 digits, got "12345678901"',
    ],
    [
      'a numeric account ID',
      { accounts: [{ accountId: 123456789012, accessKeys: [] }] },
      'accounts[0].accountId must be a string of 12 digits, got 123456789012',
    ],
    [
      'a repeated account ID',
      {
        accounts: [
          { accountId: '111122223333', accessKeys: [] },
          { accountId: '111122223333', accessKeys: [] },
        ],
      },
      'accounts[1].accountId 111122223333 appears more than once',
    ],
    [
      'accessKeys that is not a list',
      { accounts: [{ accountId: '111122223333', accessKeys: {} }] },
      'accounts[0].accessKeys must be an array',
    ],
    [
      'a short access key ID',
      { accounts: [{ accountId: '111122223333', accessKeys: [key('AKIASHORT')] }] },
      'accounts[0].accessKeys[0].accessKeyId must be 16-128 word characters, got "AKIASHORT"',
    ],
    [
      'an access key ID with a hyphen',
      { accounts: [{ accountId: '111122223333', accessKeys: [key('AKIA-HYPHEN-0000000')] }] },
      'accessKeyId must be 16-128 word characters',
    ],
    [
      'an access key ID used by two accounts',
      {
        accounts: [
          { accountId: '111122223333', accessKeys: [key('AKIADUPLICATEKEY0001')] },
          { accountId: '444455556666', accessKeys: [key('AKIADUPLICATEKEY0001')] },
        ],
      },
      'accounts[1].accessKeys[0].accessKeyId AKIADUPLICATEKEY0001 is used more than once',
    ],
    [
      'an empty secret',
      {
        accounts: [
          {
            accountId: '111122223333',
            accessKeys: [{ accessKeyId: 'AKIAEMPTYSECRET00001', secretAccessKey: '' }],
          },
        ],
      },
      'accounts[0].accessKeys[0].secretAccessKey must be a non-empty string',
    ],
  ])('rejects a file with %s, naming the file and the problem', async (_case, content, problem) => {
    const path = await writeAccountsFile(content);
    const error = await loadOrCreateAccounts(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccountsFileError);
    expect((error as Error).message).toContain(`Invalid accounts file ${path}: `);
    expect((error as Error).message).toContain(problem);
  });

  it.each([
    [
      'an invalid value',
      `{"accounts": [{"accountId": "bad", "accessKeys": [{"secretAccessKey": "SECRET-VALUE"}]}]}`,
    ],
    ['broken JSON around it', '{"accounts": [{"accessKeys": [{"secretAccessKey": SECRET-VALUE}]}]}'],
  ])('never echoes a secret when the file has %s', async (_case, content) => {
    const path = await writeAccountsFile(content);
    const error = await loadOrCreateAccounts(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccountsFileError);
    expect((error as Error).message).not.toMatch(/SECRET/);
  });
});

describe('lookupCredential', () => {
  const accounts: Account[] = [
    { accountId: '111122223333', accessKeys: [key('AKIAFIRSTKEY00000001')] },
    { accountId: '444455556666', accessKeys: [key('AKIASECONDKEY0000001'), key('AKIASECONDKEY0000002')] },
  ];

  it('finds a key in any account and reports that account', () => {
    expect(lookupCredential(accounts, 'AKIASECONDKEY0000002')).toEqual({
      accessKeyId: 'AKIASECONDKEY0000002',
      secretAccessKey: 'secret',
      accountId: '444455556666',
    });
  });

  it('returns undefined for an unknown key', () => {
    expect(lookupCredential(accounts, 'AKIAUNKNOWNKEY000001')).toBeUndefined();
  });
});
