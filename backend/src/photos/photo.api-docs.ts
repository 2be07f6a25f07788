import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { ApiRoute } from '../http/api-doc.decorator.js';

const photoId = '470d06bc43c7b6c1e7b1f2f0d6a1d6f0b1f6e1c2d3a4b5c6d7e8f9a0b1c2d3e4';

/** OpenAPI of the photo routes (docs/photos.md). */
export const PhotoUploadDoc = () =>
  applyDecorators(
    ApiRoute({
      summary: 'A photo of one page of the C.Hasil form, as the raw body',
      description:
        'Type by magic bytes (JPEG, PNG, WebP), at least 600 px on the short side, at most PHOTO_MAX_BYTES. The same bytes again for the same TPS, contest and page answer the first answer with replayed: true.',
      answer: {
        status: 201,
        example: {
          photoId,
          eventId: '2fe7a5b6-21ca-4b69-9fde-a169a8736112',
          revision: 3,
          position: '6781/1',
          tpsId: '1673061002001',
          contest: 'PPWP',
          page: 1,
          mediaType: 'image/jpeg',
          width: 3000,
          height: 4000,
          bytes: 3981234,
          cameraTime: '2024-02-14T13:20:00',
          duplicateOf: null,
        },
      },
      errors: {
        400: ['REQUEST.INVALID', 'PHOTO.EMPTY'],
        401: ['AUTH.UNAUTHENTICATED'],
        403: ['AUTH.FORBIDDEN', 'AUTH.WRONG_TPS'],
        413: ['PHOTO.TOO_LARGE'],
        415: ['PHOTO.UNSUPPORTED_TYPE'],
        422: ['PHOTO.UNREADABLE', 'PHOTO.TOO_SMALL'],
        503: ['STORE.UNAVAILABLE'],
      },
    }),
    ApiConsumes('image/jpeg', 'image/png', 'image/webp'),
    ApiBody({ schema: { type: 'string', format: 'binary' } }),
    ApiQuery({ name: 'contest', required: false, example: 'PPWP' }),
    ApiQuery({ name: 'page', required: true, enum: [1, 2, 3] }),
  );

export const PhotoReadDoc = () =>
  applyDecorators(
    ApiRoute({
      summary: 'The original photo, or a resized copy without EXIF',
      description:
        "ETag is the hash; Cache-Control: private, immutable; If-None-Match answers 304. Right after an upload pass its answer's position as minPosition: access is read from the read model.",
      errors: {
        400: ['REQUEST.INVALID'],
        403: ['AUTH.FORBIDDEN', 'AUTH.WRONG_TPS'],
        404: ['PHOTO.NOT_FOUND'],
        500: ['PHOTO.MISSING', 'PHOTO.CORRUPT'],
        503: ['READ.POSITION_NOT_REACHED'],
      },
    }),
    ApiQuery({ name: 'size', required: false, enum: ['thumb', 'medium'] }),
    ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the read models passed this log position' }),
    ApiProduces('image/jpeg', 'image/png', 'image/webp'),
  );
