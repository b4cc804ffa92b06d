/**
 * Garbage where ImportCertificate wants PEM: random bytes, PEM armour around random or truncated DER, a
 * valid PEM cut before its end, a block of the wrong kind, text in any script. None is a certificate, a key
 * or a chain, so each is refused (ValidationException) whatever the other members hold.
 */
import fc from 'fast-check';

export interface ImportMaterial {
  certificatePem: string;
  privateKeyPem: string;
  chainPem: string;
  /** A key of another pair: it does not match the certificate. */
  otherKeyPem: string;
  /** The certificate's own key under a passphrase (ACM imports unencrypted keys only). */
  encryptedKeyPem: string;
}

export const base64Of = (text: string | Uint8Array): string => Buffer.from(text).toString('base64');

function armour(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function firstDer(pem: string): Buffer {
  const match = /-----BEGIN [^-]+-----([^-]+)-----END/.exec(pem);
  if (!match?.[1]) throw new Error('no PEM block');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** Garbage in place of a PEM of `label` whose valid form is `validPem`; base64, as the wire carries blobs. */
export function garbagePem(validPem: string, label: string, otherKindPem: string): fc.Arbitrary<string> {
  const der = firstDer(validPem);
  const endAt = validPem.indexOf('-----END');
  const garbage = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
    fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => armour(label, bytes)),
    fc.integer({ min: 0, max: der.length - 1 }).map((length) => armour(label, der.subarray(0, length))),
    fc.integer({ min: 1, max: der.length - 1 }).map((length) => der.subarray(0, length)),
    fc.integer({ min: 1, max: endAt - 1 }).map((length) => validPem.slice(0, length)),
    fc
      .constantFrom('PUBLIC KEY', 'CERTIFICATE REQUEST', 'X509 CRL', 'GARBAGE')
      .map((other) => armour(other, der)),
    fc.constant(otherKindPem),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
  );
  return garbage.map(base64Of);
}
