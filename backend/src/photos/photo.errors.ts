import { DomainError } from '../http/domain-error.js';

/** The upload's refusals (docs/events.md, README): nothing is stored or appended when one is thrown. */
export const photoErrors = {
  unsupportedType: () =>
    new DomainError('PHOTO.UNSUPPORTED_TYPE', 415, 'The body is not a JPEG, PNG or WebP image (judged by its first bytes)', {
      accepted: ['image/jpeg', 'image/png', 'image/webp'],
    }),
  unreadable: () => new DomainError('PHOTO.UNREADABLE', 422, 'The image cannot be decoded: it is damaged or cut short; take it again'),
  tooSmall: (width: number, height: number, min: number) =>
    new DomainError('PHOTO.TOO_SMALL', 422, `The photo is too small to read the form: at least ${min} px on its short side`, {
      width,
      height,
      minShortSide: min,
    }),
  tooLarge: (limit: number) => new DomainError('PHOTO.TOO_LARGE', 413, `The photo is larger than ${limit} bytes`, { maxBytes: limit }),
  empty: () => new DomainError('PHOTO.EMPTY', 400, 'The request has no image in its body'),
  notFound: () => new DomainError('PHOTO.NOT_FOUND', 404, 'No such photo'),
};
