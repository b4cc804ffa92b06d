import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import {
  caSigningKey,
  ecdsaDerToRaw,
  externalSigningCrypto,
} from '../../../functions/core/issuance/external-signing-crypto.ts';
import { memorySigner } from './test-ca.ts';

describe('ecdsaDerToRaw', () => {
  it.each([
    ['P-256', 'sha256', 32],
    ['P-384', 'sha384', 48],
  ] as const)('turns a DER %s signature into raw r||s that verifies as IEEE P1363', (curve, hash, half) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const message = Buffer.from('to be signed');
    for (let i = 0; i < 20; i++) {
      const raw = new Uint8Array(
        ecdsaDerToRaw(sign(hash, message, { key: privateKey, dsaEncoding: 'der' }), half),
      );
      expect(raw.length).toBe(2 * half);
      expect(verify(hash, message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
  });

  it('left-pads short integers and drops the DER sign byte', () => {
    const s = new Uint8Array(33);
    s[1] = 0x80;
    const der = AsnConvert.serialize(new ECDSASigValue({ r: new Uint8Array([0x01]).buffer, s: s.buffer }));
    const raw = new Uint8Array(ecdsaDerToRaw(new Uint8Array(der), 32));
    expect(raw[31]).toBe(0x01);
    expect(raw.subarray(0, 31).every((byte) => byte === 0)).toBe(true);
    expect(raw[32]).toBe(0x80);
  });

  it('refuses integers longer than the curve', () => {
    const tooLong = new Uint8Array(33).fill(0x7f);
    const der = AsnConvert.serialize(new ECDSASigValue({ r: tooLong.buffer, s: new Uint8Array([1]).buffer }));
    expect(() => ecdsaDerToRaw(new Uint8Array(der), 32)).toThrow(/longer than the curve/);
  });
});

describe('externalSigningCrypto', () => {
  const data = new TextEncoder().encode('tbs bytes');

  it.each([
    ['RSA_2048', { name: 'RSASSA-PKCS1-v1_5' }, 256],
    ['EC_prime256v1', { name: 'ECDSA', hash: 'SHA-256' }, 64],
    ['EC_secp384r1', { name: 'ECDSA', hash: 'SHA-384' }, 96],
  ] as const)('signs with the %s CaSigner in WebCrypto format', async (algorithm, verifyParams, length) => {
    const signer = await memorySigner(algorithm);
    const crypto = externalSigningCrypto();
    const key = caSigningKey(signer);
    const signature = await crypto.subtle.sign(key.algorithm, key, data);
    expect(signature.byteLength).toBe(length);
    expect(signer.signCalls).toBe(1);

    const importParams =
      algorithm === 'RSA_2048'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
        : { name: 'ECDSA', namedCurve: algorithm === 'EC_prime256v1' ? 'P-256' : 'P-384' };
    const publicKey = await globalThis.crypto.subtle.importKey(
      'spki',
      new Uint8Array(await signer.publicKeySpki()),
      importParams,
      false,
      ['verify'],
    );
    expect(await globalThis.crypto.subtle.verify(verifyParams, publicKey, signature, data)).toBe(true);
  });

  it('refuses a signing algorithm the CA key does not use', async () => {
    const signer = await memorySigner('EC_prime256v1');
    const crypto = externalSigningCrypto();
    await expect(
      crypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, caSigningKey(signer), data),
    ).rejects.toThrow(/signs with ECDSA, not RSASSA-PKCS1-v1_5/);
    expect(signer.signCalls).toBe(0);
  });

  it('leaves ordinary WebCrypto keys and other operations to the base crypto', async () => {
    const crypto = externalSigningCrypto();
    const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    const mac = await crypto.subtle.sign('HMAC', key, data);
    expect(await globalThis.crypto.subtle.verify('HMAC', key, mac, data)).toBe(true);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    expect(digest.length).toBe(32);
    expect(crypto.getRandomValues(new Uint8Array(8)).length).toBe(8);
  });
});
