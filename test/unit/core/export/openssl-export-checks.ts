/** What openssl makes of an exported key: the checks a user would run on ExportCertificate's output. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Runs openssl with its input in files and nothing on stdin (so an early exit cannot break a pipe), and
 * answers its output; throws with openssl's complaint when it fails.
 */
export function openssl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, (error, stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args[0]} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin?.end();
  });
}

async function fileWith(directory: string, name: string, text: string): Promise<string> {
  const file = join(directory, `${name}-${randomUUID()}.pem`);
  await writeFile(file, text);
  return file;
}

/**
 * Decrypts an encrypted PKCS#8 PEM with `openssl pkey -in <file> -passin pass:<passphrase>` and answers the
 * DER of the unencrypted PKCS#8 PEM openssl writes, or throws with openssl's complaint.
 */
export async function opensslDecrypt(
  encryptedPem: string,
  passphrase: string,
  directory: string,
): Promise<Uint8Array> {
  const file = await fileWith(directory, 'encrypted', encryptedPem);
  const opened = await openssl(['pkey', '-in', file, '-passin', `pass:${passphrase}`]);
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(opened)?.[1];
  if (body === undefined) throw new Error(`openssl pkey wrote no PRIVATE KEY block: ${opened}`);
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

/**
 * The public key of the certificate (`openssl x509 -pubkey`) and of the decrypted private key
 * (`openssl pkey -pubout`), as PEM, for the caller to compare.
 */
export async function opensslPublicKeys(
  certificatePem: string,
  encryptedPem: string,
  passphrase: string,
  directory: string,
): Promise<{ certificate: string; privateKey: string }> {
  const certificateFile = await fileWith(directory, 'certificate', certificatePem);
  const keyFile = await fileWith(directory, 'encrypted', encryptedPem);
  return {
    certificate: await openssl(['x509', '-in', certificateFile, '-noout', '-pubkey']),
    privateKey: await openssl(['pkey', '-in', keyFile, '-passin', `pass:${passphrase}`, '-pubout']),
  };
}

/** The algorithm names `openssl asn1parse` shows for an encrypted PKCS#8 PEM, in order. */
export async function opensslAlgorithms(encryptedPem: string, directory: string): Promise<string[]> {
  const parsed = await openssl(['asn1parse', '-in', await fileWith(directory, 'encrypted', encryptedPem)]);
  return [...parsed.matchAll(/OBJECT\s+:(\S+)/g)].map((match) => match[1] as string);
}
