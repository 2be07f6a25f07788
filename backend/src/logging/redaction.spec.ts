import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createRootLogger } from './logger.js';
import { redactUrl } from './redaction.js';

function capture() {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, any>);
      done();
    },
  });
  return { lines, log: createRootLogger({ LOG_FORMAT: 'json', LOG_LEVEL: 'log' }, sink) };
}

describe('log redaction', () => {
  it('blanks PINs, passwords, tokens and credentials at the top level and one level down', () => {
    const { lines, log } = capture();
    log.info({ pin: '123456', password: 'admin123', token: 'eyJ.a.b', body: { pin: '654321', accessToken: 'eyJ.c.d' } }, 'sign-in');
    log.info({ req: { headers: { authorization: 'Bearer eyJ.e.f', cookie: 'sid=1' } } }, 'request');
    expect(lines[0]).toMatchObject({
      msg: 'sign-in',
      level: 'info',
      pin: '[Redacted]',
      password: '[Redacted]',
      token: '[Redacted]',
      body: { pin: '[Redacted]', accessToken: '[Redacted]' },
    });
    expect(lines[1].req.headers).toEqual({ authorization: '[Redacted]', cookie: '[Redacted]' });
    expect(JSON.stringify(lines)).not.toMatch(/123456|654321|admin123|eyJ/);
  });

  it('blanks secret query parameters in logged URLs', () => {
    expect(redactUrl('/socket.io/?EIO=4&token=eyJ.x.y&transport=polling')).toBe('/socket.io/?EIO=4&token=[Redacted]&transport=polling');
    expect(redactUrl('/api/auth/login?PIN=1234')).toBe('/api/auth/login?PIN=[Redacted]');
    expect(redactUrl('/api/tps/1')).toBe('/api/tps/1');
  });
});
