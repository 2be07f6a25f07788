import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { assertBytesMatch, assertHash, HASH, verified, type PhotoStore, type StoredPhoto } from './photo-store.port.js';

export interface S3PhotoStoreOptions {
  bucket: string;
  /** Key prefix, e.g. `photos/`. */
  prefix: string;
  client: S3ClientConfig;
}

const notFound = (e: unknown) => {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return x.name === 'NoSuchKey' || x.name === 'NotFound' || x.$metadata?.httpStatusCode === 404;
};

/**
 * Photos as objects `<prefix><hash>` in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2) through the AWS SDK v3.
 * A PutObject the service acknowledged is durable by the service's own guarantee. The object's Content-MD5 is sent so
 * the service refuses bytes damaged in transit. Tested here against the `s3rver` npm package as a stand-in.
 */
export class S3PhotoStore implements PhotoStore {
  readonly kind = 's3';
  private readonly s3: S3Client;

  constructor(private readonly options: S3PhotoStoreOptions) {
    // Checksums only when an operation requires them: several S3-compatible services do not take the SDK's
    // default aws-chunked CRC trailers. Integrity is ours anyway: every read checks the SHA-256.
    this.s3 = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', ...options.client });
  }

  private key(hash: string) {
    return `${this.options.prefix}${hash}`;
  }

  async put(hash: string, bytes: Buffer): Promise<void> {
    assertBytesMatch(hash, bytes);
    // Written even when the object exists: a retried upload must make its LastModified new (the orphan sweep judges
    // by it, docs/photos.md), and the same key with the same bytes is idempotent.
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(hash),
        Body: bytes,
        ContentLength: bytes.length,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
        Metadata: { sha256: hash },
      }),
    );
  }

  async get(hash: string): Promise<Buffer | null> {
    assertHash(hash);
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(hash) }));
      return verified(hash, Buffer.from(await r.Body!.transformToByteArray()));
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  async has(hash: string): Promise<boolean> {
    assertHash(hash);
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(hash) }));
      return true;
    } catch (e) {
      if (notFound(e)) return false;
      throw e;
    }
  }

  async *list(): AsyncIterable<StoredPhoto> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.options.prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const hash = (o.Key ?? '').slice(this.options.prefix.length);
        if (HASH.test(hash)) yield { hash, size: o.Size ?? 0, storedAt: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(hash: string): Promise<void> {
    assertHash(hash);
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(hash) }));
  }

  async close(): Promise<void> {
    this.s3.destroy();
  }
}
