/**
 * Envelope encryption of leaf private keys under a symmetric KMS key (the AWS twin of FileKeyVault).
 *
 * seal: GenerateDataKey (AES_256) with EncryptionContext { certificateArn }, AES-256-GCM locally under the
 * plaintext data key (fresh 12-byte IV, AAD = the certificate ARN), then the data key is zeroed.
 * open: Decrypt of the wrapped data key with the same EncryptionContext, then AES-256-GCM decrypt. Because
 * the context is bound into the wrapped key, every decryption shows in CloudTrail against its certificate,
 * and a key sealed for one certificate does not open for another.
 *
 * Sealed format: `kms1.<CiphertextBlob>.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyVault } from '../../core/ports.ts';

const VERSION = 'kms1';
/** FileKeyVault's format; such a value was sealed under a local master key that KMS never held. */
const LOCAL_VERSION = 'v1';
const IV_BYTES = 12;
const DATA_KEY_BYTES = 32;
const CONTEXT_KEY = 'certificateArn';

/** KMS's answers to a Decrypt whose wrapped key, context or key id does not match. */
const DOES_NOT_OPEN_ERRORS = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

export class KmsKeyVault implements KeyVault {
  /** `keyId`: the symmetric ENCRYPT_DECRYPT key (key id, key ARN, alias name or alias ARN). */
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  async seal(plaintext: Uint8Array, context: string): Promise<string> {
    const dataKey = await this.client.send(
      new GenerateDataKeyCommand({
        KeyId: this.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { [CONTEXT_KEY]: context },
      }),
    );
    const key = dataKey.Plaintext;
    try {
      if (!key || key.length !== DATA_KEY_BYTES || !dataKey.CiphertextBlob) {
        throw new Error(`KmsKeyVault: KMS returned no ${DATA_KEY_BYTES}-byte data key for ${this.keyId}`);
      }
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const parts = [Buffer.from(dataKey.CiphertextBlob), iv, ciphertext, cipher.getAuthTag()];
      return [VERSION, ...parts.map((part) => part.toString('base64url'))].join('.');
    } finally {
      key?.fill(0);
    }
  }

  async open(sealed: string, context: string): Promise<Uint8Array> {
    const [version, blob, iv, ciphertext, tag, ...extra] = sealed.split('.');
    if (version === LOCAL_VERSION) {
      throw new Error(
        'KmsKeyVault: this key was sealed by the local file key vault (v1 format) and cannot be opened with KMS',
      );
    }
    if (
      version !== VERSION ||
      !blob ||
      iv === undefined ||
      ciphertext === undefined ||
      tag === undefined ||
      extra.length
    ) {
      throw new Error('KmsKeyVault: not a sealed key in the kms1 format');
    }
    const doesNotOpen = (reason: string) =>
      new Error(`KmsKeyVault: the sealed key does not open for context ${context} (${reason})`);

    let key: Uint8Array | undefined;
    try {
      const response = await this.client.send(
        new DecryptCommand({
          KeyId: this.keyId,
          CiphertextBlob: Buffer.from(blob, 'base64url'),
          EncryptionContext: { [CONTEXT_KEY]: context },
        }),
      );
      key = response.Plaintext;
    } catch (error) {
      const name = (error as Error).name;
      if (DOES_NOT_OPEN_ERRORS.has(name)) {
        throw doesNotOpen(`KMS ${name}: wrong context, another KMS key, or tampered`);
      }
      throw error;
    }
    try {
      if (!key || key.length !== DATA_KEY_BYTES) {
        throw new Error(`KmsKeyVault: KMS returned no ${DATA_KEY_BYTES}-byte data key for ${this.keyId}`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return new Uint8Array(
          Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]),
        );
      } catch {
        throw doesNotOpen('wrong context or tampered');
      }
    } finally {
      key?.fill(0);
    }
  }
}
