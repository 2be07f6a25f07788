import type { IncomingMessage, ServerResponse } from 'node:http';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * body-parser's `verify` hook: a UTF-8 body with invalid byte sequences is refused (400 REQUEST.INVALID_ENCODING)
 * instead of being decoded with U+FFFD in place of the bad bytes. Other charsets (UTF-16/32) are left to the decoder.
 */
export function strictUtf8(_req: IncomingMessage, _res: ServerResponse, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') return;
  try {
    decoder.decode(buf);
  } catch {
    throw Object.assign(new Error('The request body is not valid UTF-8'), { status: 400, invalidEncoding: true });
  }
}
