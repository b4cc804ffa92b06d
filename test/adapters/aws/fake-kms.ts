/**
 * A fake AWS KMS behind aws-sdk-client-mock that behaves like the service for the operations Certwright
 * uses, with real key material held by the test:
 *
 * - asymmetric keys are node:crypto key pairs; GetPublicKey returns the real SPKI, and Sign really signs
 *   (RAW: hashes the message; DIGEST: signs the given digest as is), so signatures verify with openssl;
 * - symmetric keys wrap data keys with AES-256-GCM under a fake master key, with the encryption context as
 *   additional authenticated data, so Decrypt opens a CiphertextBlob only with the same context;
 * - HMAC keys compute a real HMAC.
 *
 * Inputs KMS rejects are rejected with the error KMS gives (the SDK's own exception classes), for example a
 * RAW message over 4,096 bytes or a digest of the wrong length (ValidationException), a signing algorithm
 * the key spec does not offer or an operation the key usage does not allow (InvalidKeyUsageException).
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPublicKey,
  constants as cryptoConstants,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import {
  DecryptCommand,
  type DecryptCommandInput,
  type DecryptCommandOutput,
  DescribeKeyCommand,
  type DescribeKeyCommandInput,
  type DescribeKeyCommandOutput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandInput,
  type GenerateDataKeyCommandOutput,
  GenerateMacCommand,
  type GenerateMacCommandInput,
  type GenerateMacCommandOutput,
  GetPublicKeyCommand,
  type GetPublicKeyCommandInput,
  type GetPublicKeyCommandOutput,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  type KeyUsageType,
  KMSClient,
  KMSServiceException,
  type MacAlgorithmSpec,
  NotFoundException,
  SignCommand,
  type SignCommandInput,
  type SignCommandOutput,
  type SigningAlgorithmSpec,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

export type FakeKeySpec =
  | 'RSA_2048'
  | 'RSA_3072'
  | 'ECC_NIST_P256'
  | 'ECC_NIST_P384'
  | 'ECC_SECG_P256K1'
  | 'SYMMETRIC_DEFAULT'
  | 'HMAC_256';

export type KmsOperation =
  | 'GetPublicKey'
  | 'DescribeKey'
  | 'Sign'
  | 'GenerateDataKey'
  | 'Decrypt'
  | 'GenerateMac';

export interface FakeKeyRef {
  keyId: string;
  arn: string;
}

interface FakeKey extends FakeKeyRef {
  keySpec: FakeKeySpec;
  keyUsage: KeyUsageType;
  /** Asymmetric keys. */
  privateKey?: KeyObject;
  spki?: Uint8Array;
  /** Symmetric (master key) and HMAC keys. */
  secret?: Buffer;
}

type Hash = 'sha256' | 'sha384' | 'sha512';

const HASH_BYTES: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1) for RSASSA-PKCS1-v1_5 over a precomputed digest. */
const DIGEST_INFO_PREFIX: Record<Hash, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

interface EcCurve {
  /** node:crypto / OpenSSL curve name. */
  name: string;
  /** Group order. */
  n: bigint;
  fieldBytes: number;
}

const EC_CURVES: Partial<Record<FakeKeySpec, EcCurve>> = {
  ECC_NIST_P256: {
    name: 'prime256v1',
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    fieldBytes: 32,
  },
  ECC_NIST_P384: {
    name: 'secp384r1',
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    fieldBytes: 48,
  },
  ECC_SECG_P256K1: {
    name: 'secp256k1',
    n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
    fieldBytes: 32,
  },
};

const RSA_SIGNING: SigningAlgorithmSpec[] = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];

const SIGNING_ALGORITHMS: Partial<Record<FakeKeySpec, SigningAlgorithmSpec[]>> = {
  RSA_2048: RSA_SIGNING,
  RSA_3072: RSA_SIGNING,
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
  ECC_SECG_P256K1: ['ECDSA_SHA_256'],
};

const MAC_ALGORITHMS: Partial<Record<FakeKeySpec, MacAlgorithmSpec[]>> = { HMAC_256: ['HMAC_SHA_256'] };

const DEFAULT_USAGE: Record<FakeKeySpec, KeyUsageType> = {
  RSA_2048: 'ENCRYPT_DECRYPT',
  RSA_3072: 'ENCRYPT_DECRYPT',
  ECC_NIST_P256: 'SIGN_VERIFY',
  ECC_NIST_P384: 'SIGN_VERIFY',
  ECC_SECG_P256K1: 'SIGN_VERIFY',
  SYMMETRIC_DEFAULT: 'ENCRYPT_DECRYPT',
  HMAC_256: 'GENERATE_VERIFY_MAC',
};

const MAX_MESSAGE_BYTES = 4096;
const BLOB_MAGIC = Buffer.from('FKMS1');
const KEY_ID_BYTES = 36; // a UUID
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FakeKms {
  readonly region = 'us-east-1';
  readonly accountId = '111122223333';
  /** Every data key Plaintext this fake handed out (GenerateDataKey and Decrypt), as the caller received it. */
  readonly handedOutPlaintexts: Uint8Array[] = [];
  private readonly keys = new Map<string, FakeKey>();
  private readonly aliases = new Map<string, string>();
  private readonly failures: Array<{ operation: KmsOperation; name: string }> = [];

  /** Creates a key the way CreateKey would (KeyUsage defaults as in KMS), optionally under an alias. */
  createKey(keySpec: FakeKeySpec, options: { keyUsage?: KeyUsageType; alias?: string } = {}): FakeKeyRef {
    const keyUsage = options.keyUsage ?? DEFAULT_USAGE[keySpec];
    const allowed: Record<FakeKeySpec, KeyUsageType[]> = {
      RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
      RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
      ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
      ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
      ECC_SECG_P256K1: ['SIGN_VERIFY'],
      SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
      HMAC_256: ['GENERATE_VERIFY_MAC'],
    };
    if (!allowed[keySpec].includes(keyUsage)) {
      throw validationError(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
    }
    const keyId = randomUUID();
    const key: FakeKey = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.accountId}:key/${keyId}`,
      keySpec,
      keyUsage,
    };
    const curve = EC_CURVES[keySpec];
    if (curve) {
      key.privateKey = generateKeyPairSync('ec', { namedCurve: curve.name }).privateKey;
    } else if (keySpec.startsWith('RSA_')) {
      const modulusLength = Number(keySpec.slice('RSA_'.length));
      key.privateKey = generateKeyPairSync('rsa', { modulusLength }).privateKey;
    } else {
      key.secret = randomBytes(32);
    }
    if (key.privateKey) {
      key.spki = new Uint8Array(createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' }));
    }
    this.keys.set(keyId, key);
    if (options.alias) this.aliases.set(options.alias, keyId);
    return { keyId, arn: key.arn };
  }

  /** The public key of an asymmetric key (for checks outside KMS). */
  publicKeyOf(keyId: string): KeyObject {
    const key = this.resolve(keyId);
    if (!key.privateKey) throw new Error(`${keyId} is not asymmetric`);
    return createPublicKey(key.privateKey);
  }

  /** The key material of a symmetric or HMAC key; a test-only peek KMS never allows. */
  secretOf(keyId: string): Buffer {
    const key = this.resolve(keyId);
    if (!key.secret) throw new Error(`${keyId} is asymmetric`);
    return Buffer.from(key.secret);
  }

  /** The next call of `operation` fails with the named KMS error (e.g. ThrottlingException). */
  failNext(operation: KmsOperation, name: string): void {
    this.failures.push({ operation, name });
  }

  /** Routes `client.send` to this fake; restore the returned stub after the test. */
  attach(client: KMSClient): AwsClientStub<KMSClient> {
    const stub = mockClient(client);
    stub.onAnyCommand().callsFake(() => {
      throw new Error('FakeKms does not implement this command');
    });
    stub
      .on(GetPublicKeyCommand)
      .callsFake((input) => this.run('GetPublicKey', () => this.getPublicKey(input)));
    stub.on(DescribeKeyCommand).callsFake((input) => this.run('DescribeKey', () => this.describeKey(input)));
    stub.on(SignCommand).callsFake((input) => this.run('Sign', () => this.sign(input)));
    stub
      .on(GenerateDataKeyCommand)
      .callsFake((input) => this.run('GenerateDataKey', () => this.generateDataKey(input)));
    stub.on(DecryptCommand).callsFake((input) => this.run('Decrypt', () => this.decrypt(input)));
    stub.on(GenerateMacCommand).callsFake((input) => this.run('GenerateMac', () => this.generateMac(input)));
    return stub;
  }

  private async run<T>(operation: KmsOperation, handler: () => T): Promise<T> {
    const index = this.failures.findIndex((failure) => failure.operation === operation);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw kmsError(failure?.name as string, `injected ${failure?.name}`);
    }
    return handler();
  }

  getPublicKey(input: GetPublicKeyCommandInput): Omit<GetPublicKeyCommandOutput, '$metadata'> {
    const key = this.resolve(input.KeyId);
    if (!key.spki) {
      throw new UnsupportedOperationException({
        message: `${key.arn} key usage is ${key.keyUsage} which is not valid for GetPublicKey.`,
        $metadata: {},
      });
    }
    return {
      KeyId: key.arn,
      PublicKey: key.spki.slice(),
      KeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      ...(key.keyUsage === 'SIGN_VERIFY'
        ? { SigningAlgorithms: SIGNING_ALGORITHMS[key.keySpec] }
        : key.keyUsage === 'ENCRYPT_DECRYPT'
          ? { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] }
          : {}),
    };
  }

  describeKey(input: DescribeKeyCommandInput): Omit<DescribeKeyCommandOutput, '$metadata'> {
    const key = this.resolve(input.KeyId);
    return {
      KeyMetadata: {
        AWSAccountId: this.accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        KeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        KeyState: 'Enabled',
        Enabled: true,
        KeyManager: 'CUSTOMER',
        Origin: 'AWS_KMS',
        ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: SIGNING_ALGORITHMS[key.keySpec] } : {}),
        ...(key.keySpec === 'SYMMETRIC_DEFAULT' ? { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] } : {}),
        ...(key.keyUsage === 'GENERATE_VERIFY_MAC' ? { MacAlgorithms: MAC_ALGORITHMS[key.keySpec] } : {}),
      },
    };
  }

  sign(input: SignCommandInput): Omit<SignCommandOutput, '$metadata'> {
    const key = this.resolve(input.KeyId);
    const message = requireBytes(input.Message, 'message');
    const algorithm = input.SigningAlgorithm;
    if (algorithm === undefined) throw validationError('SigningAlgorithm is required');
    if (key.keyUsage !== 'SIGN_VERIFY' || !key.privateKey) {
      throw new InvalidKeyUsageException({
        message: `${key.arn} key usage is ${key.keyUsage} which is not valid for Sign.`,
        $metadata: {},
      });
    }
    if (!SIGNING_ALGORITHMS[key.keySpec]?.includes(algorithm)) {
      throw new InvalidKeyUsageException({
        message: `Signing algorithm ${algorithm} is not compatible with key spec ${key.keySpec}.`,
        $metadata: {},
      });
    }
    const hash = hashOf(algorithm);
    const messageType = input.MessageType ?? 'RAW';
    let digest: Buffer;
    if (messageType === 'RAW') {
      if (message.length > MAX_MESSAGE_BYTES) {
        throw validationError(
          "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
        );
      }
      digest = createHash(hash).update(message).digest();
    } else if (messageType === 'DIGEST') {
      if (message.length !== HASH_BYTES[hash]) {
        throw validationError(`Digest is invalid length for algorithm ${algorithm}.`);
      }
      digest = Buffer.from(message);
    } else {
      throw validationError(`MessageType ${messageType} is not valid for signing algorithm ${algorithm}.`);
    }
    const curve = EC_CURVES[key.keySpec];
    let signature: Buffer;
    if (curve) {
      signature = ecdsaSignDigest(key.privateKey, curve, digest);
    } else if (algorithm.startsWith('RSASSA_PKCS1_V1_5_')) {
      const digestInfo = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash], 'hex'), digest]);
      signature = privateEncrypt(
        { key: key.privateKey, padding: cryptoConstants.RSA_PKCS1_PADDING },
        digestInfo,
      );
    } else {
      throw new Error(`FakeKms does not implement ${algorithm}`);
    }
    return { KeyId: key.arn, Signature: new Uint8Array(signature), SigningAlgorithm: algorithm };
  }

  generateDataKey(input: GenerateDataKeyCommandInput): Omit<GenerateDataKeyCommandOutput, '$metadata'> {
    const key = this.resolve(input.KeyId);
    this.requireSymmetric(key, 'GenerateDataKey');
    if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
      throw validationError('Please specify either number of bytes or key spec.');
    }
    const length =
      input.KeySpec === 'AES_256' ? 32 : input.KeySpec === 'AES_128' ? 16 : (input.NumberOfBytes as number);
    if (!Number.isInteger(length) || length < 1 || length > 1024) {
      throw validationError('NumberOfBytes must be between 1 and 1024');
    }
    const plaintext = new Uint8Array(randomBytes(length));
    this.handedOutPlaintexts.push(plaintext);
    return {
      KeyId: key.arn,
      Plaintext: plaintext,
      CiphertextBlob: new Uint8Array(this.wrap(key, plaintext, input.EncryptionContext)),
    };
  }

  decrypt(input: DecryptCommandInput): Omit<DecryptCommandOutput, '$metadata'> {
    const blob = Buffer.from(requireBytes(input.CiphertextBlob, 'ciphertextBlob'));
    if ((input.EncryptionAlgorithm ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT') {
      throw new InvalidKeyUsageException({
        message: `Encryption algorithm ${input.EncryptionAlgorithm} is not valid for this key.`,
        $metadata: {},
      });
    }
    const headerBytes = BLOB_MAGIC.length + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
    if (blob.length < headerBytes || !blob.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC)) {
      throw new InvalidCiphertextException({ message: '', $metadata: {} });
    }
    const ivStart = BLOB_MAGIC.length + KEY_ID_BYTES;
    const tagStart = ivStart + IV_BYTES;
    const blobKeyId = blob.subarray(BLOB_MAGIC.length, ivStart).toString('latin1');
    const iv = blob.subarray(ivStart, tagStart);
    const tag = blob.subarray(tagStart, tagStart + TAG_BYTES);
    const ciphertext = blob.subarray(tagStart + TAG_BYTES);
    const key = this.keys.get(blobKeyId);
    if (!key) throw new InvalidCiphertextException({ message: '', $metadata: {} });
    if (input.KeyId !== undefined && this.resolve(input.KeyId).keyId !== key.keyId) {
      throw new IncorrectKeyException({
        message: 'The key ID in the request does not identify a CMK that can perform this operation.',
        $metadata: {},
      });
    }
    this.requireSymmetric(key, 'Decrypt');
    let plaintext: Uint8Array;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.secret as Buffer, iv);
      decipher.setAAD(canonicalContext(input.EncryptionContext));
      decipher.setAuthTag(tag);
      plaintext = new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
    } catch {
      throw new InvalidCiphertextException({ message: '', $metadata: {} });
    }
    this.handedOutPlaintexts.push(plaintext);
    return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  }

  generateMac(input: GenerateMacCommandInput): Omit<GenerateMacCommandOutput, '$metadata'> {
    const key = this.resolve(input.KeyId);
    const message = requireBytes(input.Message, 'message');
    if (message.length > MAX_MESSAGE_BYTES) {
      throw validationError(
        "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
      );
    }
    if (key.keyUsage !== 'GENERATE_VERIFY_MAC' || !key.secret) {
      throw new InvalidKeyUsageException({
        message: `${key.arn} key usage is ${key.keyUsage} which is not valid for GenerateMac.`,
        $metadata: {},
      });
    }
    const algorithm = input.MacAlgorithm;
    if (algorithm === undefined || !MAC_ALGORITHMS[key.keySpec]?.includes(algorithm)) {
      throw new InvalidKeyUsageException({
        message: `MAC algorithm ${algorithm} is not compatible with key spec ${key.keySpec}.`,
        $metadata: {},
      });
    }
    const mac = createHmac('sha256', key.secret).update(message).digest();
    return { KeyId: key.arn, Mac: new Uint8Array(mac), MacAlgorithm: algorithm };
  }

  private wrap(key: FakeKey, plaintext: Uint8Array, context: Record<string, string> | undefined): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.secret as Buffer, iv);
    cipher.setAAD(canonicalContext(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([BLOB_MAGIC, Buffer.from(key.keyId, 'latin1'), iv, cipher.getAuthTag(), ciphertext]);
  }

  private requireSymmetric(key: FakeKey, operation: string): void {
    if (key.keySpec !== 'SYMMETRIC_DEFAULT' || key.keyUsage !== 'ENCRYPT_DECRYPT') {
      throw new InvalidKeyUsageException({
        message: `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`,
        $metadata: {},
      });
    }
  }

  /** A key id, key ARN, alias name or alias ARN, as KMS accepts them. */
  private resolve(keyId: string | undefined): FakeKey {
    if (!keyId) throw validationError('KeyId is required');
    const aliasName = keyId.startsWith('alias/')
      ? keyId
      : keyId.match(/^arn:aws:kms:[^:]+:\d+:(alias\/.+)$/)?.[1];
    const id = aliasName
      ? this.aliases.get(aliasName)
      : (keyId.match(/^arn:aws:kms:[^:]+:\d+:key\/(.+)$/)?.[1] ?? keyId);
    const key = id === undefined ? undefined : this.keys.get(id);
    if (!key) {
      throw new NotFoundException({
        message: aliasName
          ? `Alias arn:aws:kms:${this.region}:${this.accountId}:${aliasName} is not found.`
          : `Key '${keyId}' does not exist`,
        $metadata: {},
      });
    }
    return key;
  }
}

/** A KMS client whose every request goes to `fake` (nothing leaves the process), and its stub. */
export function fakeKmsClient(fake: FakeKms): { client: KMSClient; stub: AwsClientStub<KMSClient> } {
  const client = new KMSClient({
    region: fake.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { client, stub: fake.attach(client) };
}

/**
 * ECDSA over a precomputed digest (FIPS 186-5 §6.4.1 with the hash step skipped), as KMS does for
 * MessageType DIGEST. node:crypto cannot do this directly (`crypto.sign(null, ...)` with an EC key still
 * hashes with SHA-256), so the scalar arithmetic is done here with BigInt and the point multiplication k·G
 * by OpenSSL through ECDH (the public key of private scalar k is k·G). Returns a DER ECDSA-Sig-Value.
 */
export function ecdsaSignDigest(privateKey: KeyObject, curve: EcCurve, digest: Uint8Array): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  const d = bigintOf(Buffer.from(jwk.d as string, 'base64url'));
  const orderBits = curve.n.toString(2).length;
  let z = bigintOf(digest);
  if (digest.length * 8 > orderBits) z >>= BigInt(digest.length * 8 - orderBits);
  for (;;) {
    const k = (bigintOf(randomBytes(curve.fieldBytes + 8)) % (curve.n - 1n)) + 1n;
    const ecdh = createECDH(curve.name);
    ecdh.setPrivateKey(Buffer.from(k.toString(16).padStart(curve.fieldBytes * 2, '0'), 'hex'));
    const point = ecdh.getPublicKey(); // 04 || x || y
    const r = bigintOf(point.subarray(1, 1 + curve.fieldBytes)) % curve.n;
    if (r === 0n) continue;
    const s = (modPow(k, curve.n - 2n, curve.n) * ((z + r * d) % curve.n)) % curve.n;
    if (s === 0n) continue;
    const body = Buffer.concat([derInteger(r), derInteger(s)]);
    if (body.length > 127) throw new Error('ECDSA signature too long for a short DER length');
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function hashOf(algorithm: SigningAlgorithmSpec): Hash {
  if (algorithm.endsWith('SHA_256')) return 'sha256';
  if (algorithm.endsWith('SHA_384')) return 'sha384';
  if (algorithm.endsWith('SHA_512')) return 'sha512';
  throw new Error(`FakeKms does not implement ${algorithm}`);
}

/** KMS treats the encryption context as an unordered map of strings, compared exactly. */
function canonicalContext(context: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

function requireBytes(value: Uint8Array | undefined, member: string): Uint8Array {
  if (!value || value.length === 0) {
    throw validationError(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  }
  return value;
}

function validationError(message: string): Error {
  return kmsError('ValidationException', message);
}

/** A KMS error as the SDK surfaces it: its modelled class where there is one, else the service exception. */
function kmsError(name: string, message: string): Error {
  const modelled: Record<string, new (options: { message: string; $metadata: object }) => Error> = {
    InvalidKeyUsageException,
    InvalidCiphertextException,
    IncorrectKeyException,
    NotFoundException,
    UnsupportedOperationException,
  };
  const Modelled = modelled[name];
  if (Modelled) return new Modelled({ message, $metadata: {} });
  return new KMSServiceException({ name, $fault: 'client', message, $metadata: {} });
}
