/** What never reaches a log line: credentials in headers, and PINs, passwords and tokens wherever they are logged. */
const SECRET_KEYS = ['pin', 'password', 'token', 'accessToken', 'refreshToken', 'jwt', 'secret', 'authorization', 'cookie'];

/** pino `redact` paths: the request headers, and the secret keys at the top level or one level down in any object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
];

const SECRET_QUERY = /([?&](?:token|access_token|pin|password|jwt)=)[^&#]*/gi;

/** A URL as logged: the values of secret query parameters (Socket.IO's `?token=`, a mistaken `?pin=`) blanked. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[Redacted]');
}
