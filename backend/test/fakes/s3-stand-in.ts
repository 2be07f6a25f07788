import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3StandIn {
  endpoint: string;
  bucket: string;
  /** The credentials s3rver accepts (its fixed test account). */
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

/**
 * S3 for tests: no S3 or MinIO server can be installed here, so the `s3rver` npm package (a Koa server speaking the
 * S3 REST API, storing objects on disk) stands in for it, as the gRPC double stands in for EventStoreDB.
 */
export async function startS3StandIn(bucket = 'sipantaumilu-photos'): Promise<S3StandIn> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
