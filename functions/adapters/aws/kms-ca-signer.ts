/**
 * The CA key in AWS: an asymmetric KMS key with KeyUsage SIGN_VERIFY. The private key never leaves KMS; this
 * adapter hashes the to-be-signed bytes locally and asks KMS to sign the digest (MessageType DIGEST), so
 * certificates of any size stay under KMS's 4,096-byte message limit and only 32 or 48 bytes cross the wire.
 *
 * Throttling (ThrottlingException) and transient KMS errors are retried by the SDK client's own retry
 * strategy (standard mode: jittered exponential backoff, 3 attempts by default; configure it on the
 * KMSClient). Anything still failing is rethrown unchanged so the workflow's Retry/Catch can see its name.
 */
import { createHash, createPublicKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  type KeySpec,
  type KMSClient,
  SignCommand,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { CA_ALGORITHMS } from '../../core/issuance/ca-algorithms.ts';
import { caAlgorithmOf } from '../../core/issuance/key-object-signer.ts';
import type { CaKeyAlgorithm } from '../../core/model.ts';
import type { CaSigner } from '../../core/ports.ts';

/** The KMS key specs a CA key may have, and what each one signs with. */
const SUPPORTED_KEY_SPECS: Readonly<
  Partial<Record<KeySpec, { algorithm: CaKeyAlgorithm; signingAlgorithm: SigningAlgorithmSpec }>>
> = {
  RSA_2048: { algorithm: 'RSA_2048', signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
  ECC_NIST_P256: { algorithm: 'EC_prime256v1', signingAlgorithm: 'ECDSA_SHA_256' },
  ECC_NIST_P384: { algorithm: 'EC_secp384r1', signingAlgorithm: 'ECDSA_SHA_384' },
};

export class KmsCaSigner implements CaSigner {
  readonly signingAlgorithm: SigningAlgorithmSpec;
  private readonly spki: Uint8Array;

  /**
   * Prefer `create`, which reads the algorithm and public key from KMS. `keyId` should be the key ARN:
   * `create` resolves an alias to it, so a re-pointed alias cannot make the cached public key stale.
   */
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
    readonly algorithm: CaKeyAlgorithm,
    publicKeySpkiDer: Uint8Array,
  ) {
    this.signingAlgorithm = signingAlgorithmFor(algorithm);
    this.spki = publicKeySpkiDer.slice();
  }

  /**
   * Asks KMS once (GetPublicKey: the key spec, key usage and SPKI) and keeps the answer for the life of
   * the signer. Refuses keys that are not SIGN_VERIFY keys of a supported spec (RSA_2048, ECC_NIST_P256,
   * ECC_NIST_P384). `keyId` may be a key id, key ARN, alias name or alias ARN.
   */
  static async create(client: KMSClient, keyId: string): Promise<KmsCaSigner> {
    let response: GetPublicKeyCommandOutput;
    try {
      response = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
    } catch (error) {
      // KMS answers GetPublicKey for a symmetric (or HMAC) key with UnsupportedOperationException.
      if ((error as Error).name === 'UnsupportedOperationException') {
        throw new Error(
          `KMS key ${keyId} cannot be the CA key: it is not an asymmetric key (${(error as Error).message})`,
        );
      }
      throw error;
    }
    const { KeySpec: keySpec, KeyUsage: keyUsage, PublicKey: publicKey } = response;
    if (keyUsage !== 'SIGN_VERIFY') {
      throw new Error(
        `KMS key ${keyId} cannot be the CA key: its KeyUsage is ${keyUsage ?? 'unknown'}, not SIGN_VERIFY`,
      );
    }
    const supported = keySpec === undefined ? undefined : SUPPORTED_KEY_SPECS[keySpec];
    if (!supported) {
      throw new Error(
        `KMS key ${keyId} cannot be the CA key: its KeySpec is ${keySpec ?? 'unknown'}; ` +
          `supported are ${Object.keys(SUPPORTED_KEY_SPECS).join(', ')}`,
      );
    }
    if (response.SigningAlgorithms && !response.SigningAlgorithms.includes(supported.signingAlgorithm)) {
      throw new Error(`KMS key ${keyId} does not offer the signing algorithm ${supported.signingAlgorithm}`);
    }
    if (!publicKey) throw new Error(`KMS returned no public key for ${keyId}`);
    // The SPKI must be the key the spec says it is (it goes into the CA certificate as is).
    const source = `KMS key ${keyId}`;
    const fromSpki = caAlgorithmOf(
      createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }),
      source,
    );
    if (fromSpki !== supported.algorithm) {
      throw new Error(`${source}: KeySpec ${keySpec} does not match its public key (${fromSpki})`);
    }
    return new KmsCaSigner(client, response.KeyId ?? keyId, supported.algorithm, publicKey);
  }

  async publicKeySpki(): Promise<Uint8Array> {
    return this.spki.slice();
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const digest = createHash(CA_ALGORITHMS[this.algorithm].hash).update(message).digest();
    const response = await this.client.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: new Uint8Array(digest),
        MessageType: 'DIGEST',
        SigningAlgorithm: this.signingAlgorithm,
      }),
    );
    if (!response.Signature) throw new Error(`KMS returned no signature for ${this.keyId}`);
    // RSA: the PKCS#1 v1.5 signature block; ECDSA: a DER ECDSA-Sig-Value, which is what the port returns.
    return new Uint8Array(response.Signature);
  }
}

function signingAlgorithmFor(algorithm: CaKeyAlgorithm): SigningAlgorithmSpec {
  const entry = Object.values(SUPPORTED_KEY_SPECS).find((spec) => spec?.algorithm === algorithm);
  if (!entry) throw new Error(`No KMS signing algorithm for ${algorithm}`);
  return entry.signingAlgorithm;
}
