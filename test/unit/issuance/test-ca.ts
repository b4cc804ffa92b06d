/** Test helpers: an in-memory CA signer, a CA certificate for it, and openssl. */
import { execFile } from 'node:child_process';
import { createPrivateKey, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { createSelfSignedCaCertificate } from '../../../functions/core/issuance/ca-certificate.ts';
import { generateLeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import type { CaKeyAlgorithm } from '../../../functions/core/model.ts';
import type { CaSigner, Random } from '../../../functions/core/ports.ts';
import type { IssuanceProfile } from '../../../functions/core/settings.ts';

export const cryptoRandom: Random = { bytes: (length) => randomBytes(length), uuid: () => randomUUID() };

export const TEST_PROFILE: IssuanceProfile = {
  validityDays: 395,
  crlUrl: 'http://crl.example.test/ca.crl',
  caIssuersUrl: 'http://ca.example.test/ca.der',
  policyOids: ['2.23.140.1.2.1'],
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** notBefore an hour before `now` (whole seconds), notAfter the last second of `days` days. */
export function validityWindow(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Math.floor((now.getTime() - 60 * 60 * 1000) / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS - 1000) };
}

export interface MemorySigner extends CaSigner {
  privateKey: KeyObject;
  signCalls: number;
}

export async function memorySigner(algorithm: CaKeyAlgorithm): Promise<MemorySigner> {
  const { privateKeyPkcs8Der, publicKeySpkiDer } = await generateLeafKeyPair(algorithm);
  const privateKey = createPrivateKey({ key: Buffer.from(privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
  const signer: MemorySigner = {
    algorithm,
    privateKey,
    signCalls: 0,
    publicKeySpki: async () => publicKeySpkiDer,
    sign: async (message) => {
      signer.signCalls++;
      const hash = algorithm === 'EC_secp384r1' ? 'sha384' : 'sha256';
      return new Uint8Array(sign(hash, message, { key: privateKey, dsaEncoding: 'der' }));
    },
  };
  return signer;
}

export interface TestCa {
  signer: MemorySigner;
  certificatePem: string;
}

export async function testCa(
  algorithm: CaKeyAlgorithm,
  subject = 'CN=Certwright Test CA, O=Certwright',
): Promise<TestCa> {
  const signer = await memorySigner(algorithm);
  const { notBefore } = validityWindow(new Date(), 0);
  const notAfter = new Date(notBefore.getTime() + 5 * 365 * DAY_MS);
  const serialHex = newSerialHex(cryptoRandom);
  const certificatePem = await createSelfSignedCaCertificate({
    signer,
    subject,
    notBefore,
    notAfter,
    serialHex,
  });
  signer.signCalls = 0;
  return { signer, certificatePem };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function openssl(args: string[], cwd?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/openssl', args, { cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
