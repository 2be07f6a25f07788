/** Opaque paging cursors of the area routes: the last key of a page (an area code or a TPS id), base64url. */

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** The key inside a cursor, or null when it is not one of ours (`pattern` says what the key must look like). */
export function decodeCursor(raw: string, pattern: RegExp): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) return null;
  const key = Buffer.from(raw, 'base64url').toString('utf8');
  return pattern.test(key) && encodeCursor(key) === raw ? key : null;
}
