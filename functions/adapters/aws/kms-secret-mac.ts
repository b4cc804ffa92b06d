/**
 * The deployment secret in AWS: a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC) that never
 * leaves KMS. mac(purpose, data) = GenerateMac(HMAC_SHA_256, purpose ‖ 0x00 ‖ data), the same framing as
 * FileSecretMac, so the two twins differ only in where the secret lives.
 */
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretMac } from '../../core/ports.ts';

/** KMS GenerateMac takes messages of 1 to 4,096 bytes. */
const MAX_MESSAGE_BYTES = 4096;
const DEFAULT_CACHE_ENTRIES = 1000;
const MAC_BYTES = 32;

export interface KmsSecretMacOptions {
  /** How many (purpose, data) results to keep; the least recently used goes first. Default 1000. */
  cacheEntries?: number;
}

export class KmsSecretMac implements SecretMac {
  /**
   * Results by framed message, oldest use first (a Map iterates in insertion order). Validation record
   * names are derived again on every request that shows them (DescribeCertificate, each workflow poll), and
   * each GenerateMac is a paid KMS request with its own latency that counts against the account's shared
   * symmetric-key request quota. An HMAC under a fixed key never changes, so a cached answer is never stale;
   * the bound keeps a warm Lambda's memory flat. In-flight requests are cached too, so concurrent callers
   * share one KMS call; a failed call is dropped so the next caller asks again.
   */
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  private readonly cacheEntries: number;

  /** `keyId`: the HMAC_256 key (key id, key ARN, alias name or alias ARN). */
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
    options: KmsSecretMacOptions = {},
  ) {
    this.cacheEntries = Math.max(0, options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
  }

  async mac(purpose: string, data: string): Promise<Uint8Array> {
    // The NUL separates purpose from data; a purpose containing one would make the split ambiguous.
    if (purpose.includes('\0')) throw new Error('A MAC purpose may not contain a NUL character');
    const message = `${purpose}\0${data}`;
    let result = this.cache.get(message);
    if (result) {
      this.cache.delete(message);
      this.cache.set(message, result);
    } else {
      result = this.generate(message);
      this.remember(message, result);
    }
    return (await result).slice();
  }

  private remember(message: string, result: Promise<Uint8Array>): void {
    if (this.cacheEntries === 0) return;
    this.cache.set(message, result);
    result.catch(() => {
      if (this.cache.get(message) === result) this.cache.delete(message);
    });
    while (this.cache.size > this.cacheEntries) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  private async generate(message: string): Promise<Uint8Array> {
    const bytes = Buffer.from(message, 'utf8');
    if (bytes.length > MAX_MESSAGE_BYTES) {
      throw new Error(
        `KmsSecretMac: the MAC input is ${bytes.length} bytes; KMS GenerateMac takes at most ${MAX_MESSAGE_BYTES}`,
      );
    }
    const response = await this.client.send(
      new GenerateMacCommand({ KeyId: this.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: bytes }),
    );
    if (!response.Mac || response.Mac.length !== MAC_BYTES) {
      throw new Error(`KmsSecretMac: KMS returned no ${MAC_BYTES}-byte MAC for ${this.keyId}`);
    }
    return new Uint8Array(response.Mac);
  }
}
