/**
 * The local stack's credentials: a JSON file of accounts and their access keys, created with one fresh
 * account and key the first time the stack starts.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Random } from '../../functions/core/ports.ts';

export type AccessKey = { accessKeyId: string; secretAccessKey: string };
export type Account = { accountId: string; accessKeys: AccessKey[] };
export type Credential = { accessKeyId: string; secretAccessKey: string; accountId: string };
export type RandomBytes = Pick<Random, 'bytes'>;
export type LoadedAccounts = { accounts: Account[]; created: boolean; path: string };

export class AccountsFileError extends Error {
  override name = 'AccountsFileError' as const;
}

const cryptoRandom: RandomBytes = { bytes: (length) => randomBytes(length) };

const ACCOUNT_ID = /^\d{12}$/;
const ACCESS_KEY_ID = /^\w{16,128}$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+';

/** Reads the accounts file, or creates it (mode 0600) with one new account if it does not exist. */
export async function loadOrCreateAccounts(
  path: string,
  random: RandomBytes = cryptoRandom,
): Promise<LoadedAccounts> {
  const absolutePath = resolve(path);
  const accounts = await createAccountsFile(absolutePath, random);
  if (accounts) return { accounts, created: true, path: absolutePath };
  return { accounts: await readAccounts(absolutePath), created: false, path: absolutePath };
}

export function lookupCredential(accounts: readonly Account[], accessKeyId: string): Credential | undefined {
  for (const account of accounts) {
    const key = account.accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId);
    if (key) return { ...key, accountId: account.accountId };
  }
  return undefined;
}

/** Writes a new file with one fresh account; undefined when the file already exists. */
async function createAccountsFile(path: string, random: RandomBytes): Promise<Account[] | undefined> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let file: FileHandle;
  try {
    // 'wx' creates the file with its final mode, and fails rather than overwrite an existing file.
    file = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    const accounts = [newAccount(random)];
    await file.writeFile(`${JSON.stringify({ accounts }, null, 2)}\n`);
    return accounts;
  } finally {
    await file.close();
  }
}

function newAccount(random: RandomBytes): Account {
  // A leading zero is valid in AWS, but a nonzero first digit keeps IDs safe from number-parsing slips.
  const accountId = pickUnbiased('123456789', 1, random) + pickUnbiased('0123456789', 11, random);
  const accessKeyId = `AKIA${pickUnbiased(BASE32, 16, random)}`;
  const secretAccessKey = pickUnbiased(SECRET_ALPHABET, 40, random);
  return { accountId, accessKeys: [{ accessKeyId, secretAccessKey }] };
}

/** `count` characters drawn uniformly from `alphabet`, rejecting bytes that would bias the modulo. */
function pickUnbiased(alphabet: string, count: number, random: RandomBytes): string {
  const limit = 256 - (256 % alphabet.length);
  let result = '';
  while (result.length < count) {
    for (const byte of random.bytes(count - result.length)) {
      if (byte < limit && result.length < count) result += alphabet[byte % alphabet.length];
    }
  }
  return result;
}

async function readAccounts(path: string): Promise<Account[]> {
  const fail = (problem: string): never => {
    throw new AccountsFileError(`Invalid accounts file ${path}: ${problem}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // V8's message may quote the text around the error, which could be a secret: keep only the position.
    const position = /position (\d+)/.exec(error.message)?.[1];
    return fail(`not valid JSON${position ? ` (error at character ${position})` : ''}`);
  }
  const list = isObject(parsed) ? parsed.accounts : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    return fail('expected { "accounts": [ ... ] } with at least one account');
  }

  const accountIds = new Set<string>();
  const keyIds = new Set<string>();
  return list.map((account: unknown, i): Account => {
    const where = `accounts[${i}]`;
    if (!isObject(account)) return fail(`${where} must be an object`);
    const { accountId, accessKeys } = account;
    if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
      return fail(`${where}.accountId must be a string of 12 digits, got ${JSON.stringify(accountId)}`);
    }
    if (accountIds.has(accountId)) fail(`${where}.accountId ${accountId} appears more than once`);
    accountIds.add(accountId);
    if (!Array.isArray(accessKeys)) return fail(`${where}.accessKeys must be an array`);

    const keys = accessKeys.map((key: unknown, j): AccessKey => {
      const keyWhere = `${where}.accessKeys[${j}]`;
      if (!isObject(key)) return fail(`${keyWhere} must be an object`);
      const { accessKeyId, secretAccessKey } = key;
      if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) {
        return fail(
          `${keyWhere}.accessKeyId must be 16-128 word characters, got ${JSON.stringify(accessKeyId)}`,
        );
      }
      if (keyIds.has(accessKeyId)) fail(`${keyWhere}.accessKeyId ${accessKeyId} is used more than once`);
      keyIds.add(accessKeyId);
      // Never echo the secret itself.
      if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0) {
        return fail(`${keyWhere}.secretAccessKey must be a non-empty string`);
      }
      return { accessKeyId, secretAccessKey };
    });
    return { accountId, accessKeys: keys };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
