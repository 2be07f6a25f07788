/**
 * infra/nginx/ in a real nginx: the shipped configurations pass `nginx -t`, and the shipped limits stop a flood from
 * one token before Node while another token goes on, answering with the backend's own 429 body; a photo-sized upload
 * passes the proxy (the server-wide 64 kB body cap once refused every photo with nginx's 413).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/app.js';
import { frame, nginxMissing, nginxTest, shipped, startNginx, type RunningNginx } from './support/nginx.js';
import { callApi } from './support/http.js';

const missing = nginxMissing();
if (missing) console.log(`nginx tests skipped: ${missing}`);
const describeWithNginx = missing ? describe.skip : describe;

describeWithNginx('infra/nginx (a real nginx)', () => {
  let t: TestApp;
  let nginx: RunningNginx;
  beforeAll(async () => {
    t = await startTestApp({}, 'nginx_limits');
    nginx = await startNginx(t.url);
  });
  afterAll(async () => {
    await nginx?.stop();
    await t?.close();
  });

  it('accepts the shipped sipantaumilu.conf (TLS with a throwaway certificate) and compose.conf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-cert-'));
    try {
      const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-keyout', join(dir, 'privkey.pem'), '-out', join(dir, 'fullchain.pem')], { encoding: 'utf8' }); // prettier-ignore
      expect(cert.status).toBe(0);
      const tls = shipped('sipantaumilu.conf').replaceAll('/etc/ssl/sipantaumilu/', `${dir}/`);
      const prod = nginxTest(frame(dir, tls));
      expect([prod.status, prod.output]).toEqual([0, expect.stringContaining('test is successful')]);
      // The compose names its containers; here they are this machine.
      const compose = shipped('compose.conf')
        .replace(/backend[12]:3000/g, '127.0.0.1:3000')
        .replace('listen 80;', 'listen 127.0.0.1:18080;');
      const dev = nginxTest(frame(dir, compose));
      expect([dev.status, dev.output]).toEqual([0, expect.stringContaining('test is successful')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a flood from one token at the proxy with the backend’s 429 body, while another token is answered', async () => {
    const flooder = await t.login('1673061002001', '123456');
    const display = await t.login('display', 'display123');
    const started = performance.now();
    const rs = await Promise.all(Array.from({ length: 120 }, () => callApi(nginx.url, 'GET', '/api/summary', { token: flooder })));
    const seconds = (performance.now() - started) / 1000;
    const refused = rs.filter((r) => r.status === 429);
    const passed = rs.filter((r) => r.status === 200);
    // A burst of 40 plus 20 a second of the time the 120 took (limit_req); never more, however fast the backend.
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThanOrEqual(40 + Math.ceil(20 * seconds) + 1);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length + passed.length).toBe(120);
    expect(refused[0].body).toMatchObject({ code: 'RATE.LIMITED', limit: 'proxy', retryAfterSeconds: 1 });
    expect(refused[0].headers.get('retry-after')).toBe('1');
    expect(refused[0].headers.get('content-type')).toMatch(/^application\/json/);
    // Every refusal was nginx's own: none reached the backend's limits (whose bodies name their limit otherwise).
    expect(new Set(refused.map((r) => r.body.limit))).toEqual(new Set(['proxy']));
    const other = await callApi(nginx.url, 'GET', '/api/summary', { token: display });
    expect(other.status).toBe(200);
    expect(nginx.errorLog()).toMatch(/limiting (requests|connections)/);
  });

  it('lets a photo-sized body through to the backend, which answers it with its own code', async () => {
    const officer = await t.login('1673061002002', '123456');
    const big = Buffer.alloc(2 * 1024 * 1024, 0x41); // 2 MB that is no image
    const res = await fetch(`${nginx.url}/api/tps/1673061002002/photos?page=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'image/jpeg', 'idempotency-key': 'nginx-photo-0001' },
      body: big,
    });
    const text = await res.text();
    expect([res.status, text.slice(0, 80)]).not.toEqual([413, expect.anything()]);
    if (!text.startsWith('{')) throw new Error(`not the backend's answer: ${res.status} ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { code: string };
    expect(body.code).toMatch(/^PHOTO\./);
  });
});
