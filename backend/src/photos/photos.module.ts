import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { TpsModule } from '../tps/tps.module.js';
import { PhotoLookup } from './photo-lookup.js';
import { PHOTO_VARIANTS, PhotoReadController } from './photo-read.http.controller.js';
import { PhotoSweeper } from './photo-sweeper.js';
import { PhotoUploadController } from './photo-upload.http.controller.js';
import { PhotoUploadService } from './photo-upload.service.js';
import { PhotoVariants } from './photo-variants.js';
import { createPhotoStore } from './store/photo-store.factory.js';
import { PHOTO_STORE, type PhotoStore } from './store/photo-store.port.js';

/** C.Hasil photos: upload, the photo store (directory or S3), resized copies, reuse flags, the orphan sweep. */
@Module({
  imports: [TpsModule],
  controllers: [PhotoUploadController, PhotoReadController],
  providers: [
    { provide: PHOTO_STORE, inject: [APP_CONFIG], useFactory: createPhotoStore },
    {
      provide: PHOTO_VARIANTS,
      inject: [APP_CONFIG],
      useFactory: (c: RuntimeConfig) => new PhotoVariants(resolve(c.PHOTO_CACHE_DIR ?? join(c.dataDir, 'photo-cache'))),
    },
    PhotoLookup,
    PhotoUploadService,
    PhotoSweeper,
  ],
  exports: [PHOTO_STORE, PhotoSweeper],
})
export class PhotosModule implements OnApplicationShutdown {
  constructor(@Inject(PHOTO_STORE) private readonly store: PhotoStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
