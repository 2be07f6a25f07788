import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3StandIn, type S3StandIn } from '../../../test/fakes/s3-stand-in.js';
import { photoStoreContract } from '../testing/photo-store.contract.js';
import { S3PhotoStore } from './s3.photo-store.js';

// S3 itself cannot run here: the `s3rver` npm package stands in for it (test/fakes/s3-stand-in.ts).
let s3: S3StandIn;
photoStoreContract('S3-compatible (s3rver stand-in)', async () => {
  s3 = await startS3StandIn();
  const client = {
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  };
  const open = () => new S3PhotoStore({ bucket: s3.bucket, prefix: 'photos/', client });
  const raw = new S3Client(client);
  return {
    store: open(),
    newClient: async () => open(),
    tamper: async (hash, bytes) => {
      await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `photos/${hash}`, Body: bytes }));
    },
    cleanup: async () => {
      raw.destroy();
      await s3.close();
    },
  };
});
