/**
 * C.Hasil photos for the screens. An <img> cannot send the bearer token, so the bytes are fetched with it and shown
 * from an object URL; the server marks them immutable, so one fetch per photo and size serves the whole session.
 */
import { currentToken, signOut } from './api.ts';

export type PhotoSize = 'thumb' | 'medium' | 'original';

const urls = new Map<string, Promise<string>>();

export function photoUrl(photoId: string, size: PhotoSize): Promise<string> {
  const key = `${photoId}:${size}`;
  let url = urls.get(key);
  if (!url) {
    url = (async () => {
      const token = currentToken();
      const res = await fetch(`/api/photos/${photoId}${size === 'original' ? '' : `?size=${size}`}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (res.status === 401) signOut();
      if (!res.ok) throw new Error(`HTTP.${res.status}`);
      return URL.createObjectURL(await res.blob());
    })();
    url.catch(() => urls.delete(key));
    urls.set(key, url);
  }
  return url;
}

/** The page label on the form: "C.Hasil PPWP hal. 1". */
export const photoLabel = (p: { contest: string; page: number }) => `C.Hasil ${p.contest} hal. ${p.page}`;
