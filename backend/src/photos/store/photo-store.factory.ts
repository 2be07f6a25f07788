import { join, resolve } from 'node:path';
import type { RuntimeConfig } from '../../config/config.module.js';
import { FsPhotoStore } from './fs.photo-store.js';
import type { PhotoStore } from './photo-store.port.js';
import { S3PhotoStore } from './s3.photo-store.js';

export type PhotoConfig = Pick<
  RuntimeConfig,
  | 'dataDir'
  | 'PHOTO_STORE'
  | 'PHOTO_DIR'
  | 'PHOTO_S3_BUCKET'
  | 'PHOTO_S3_PREFIX'
  | 'PHOTO_S3_ENDPOINT'
  | 'PHOTO_S3_REGION'
  | 'PHOTO_S3_ACCESS_KEY_ID'
  | 'PHOTO_S3_SECRET_ACCESS_KEY'
  | 'PHOTO_S3_FORCE_PATH_STYLE'
>;

export const photoDir = (c: Pick<RuntimeConfig, 'dataDir' | 'PHOTO_DIR'>) => resolve(c.PHOTO_DIR ?? join(c.dataDir, 'photos'));

/** PHOTO_STORE=s3: the bucket; otherwise files under PHOTO_DIR (default DATA_DIR/photos). */
export function createPhotoStore(c: PhotoConfig): PhotoStore {
  if (c.PHOTO_STORE === 's3') {
    return new S3PhotoStore({
      bucket: c.PHOTO_S3_BUCKET!,
      prefix: c.PHOTO_S3_PREFIX,
      client: {
        region: c.PHOTO_S3_REGION,
        endpoint: c.PHOTO_S3_ENDPOINT,
        forcePathStyle: c.PHOTO_S3_FORCE_PATH_STYLE,
        // Unset: the SDK's own chain (environment, instance role).
        ...(c.PHOTO_S3_ACCESS_KEY_ID && c.PHOTO_S3_SECRET_ACCESS_KEY
          ? { credentials: { accessKeyId: c.PHOTO_S3_ACCESS_KEY_ID, secretAccessKey: c.PHOTO_S3_SECRET_ACCESS_KEY } }
          : {}),
      },
    });
  }
  return new FsPhotoStore(photoDir(c));
}
