import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CrlPublisher } from '../../core/ports.ts';

export const CRL_CONTENT_TYPE = 'application/pkix-crl';
/**
 * Caches may keep a CRL five minutes: a new one is published within seconds of a revocation, and a cache
 * holding the old one would hide the revocation that long.
 */
export const CRL_CACHE_CONTROL = 'public, max-age=300';

/** The CRL as one S3 object (DER), which relying parties fetch over plain HTTP from the bucket's endpoint. */
export class S3CrlPublisher implements CrlPublisher {
  constructor(
    private readonly client: S3Client,
    private readonly location: { bucket: string; key: string },
  ) {}

  async publish(crlDer: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: this.location.key,
        Body: crlDer,
        ContentType: CRL_CONTENT_TYPE,
        CacheControl: CRL_CACHE_CONTROL,
      }),
    );
  }
}
