/**
 * A real nginx (Debian's nginx-light, installed by .ci/run) in front of a backend, with the shipped limit files of
 * infra/nginx/ included as they are: the tests and the read-flood measurement run the same limits production does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX_DIR = fileURLToPath(new URL('../../../infra/nginx/', import.meta.url));
const NGINX =
  process.env.NGINX_PATH ??
  (spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] || '');

/** Why nginx tests cannot run here (printed by the caller), or null when they can. */
export function nginxMissing(): string | null {
  if (!NGINX) return 'nginx is not installed (apt-get install nginx-light; .ci/run does)';
  const v = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return v.error ? `nginx at ${NGINX} does not run: ${v.error.message}` : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Runs `nginx -t` on a whole configuration file (prefix = a scratch directory); the status and what nginx said. */
export function nginxTest(confText: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sp-nginx-t-'));
  try {
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, confText);
    const r = spawnSync(NGINX, ['-t', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The http-level frame every generated configuration shares (scratch paths, one worker, no access log). */
export function frame(dir: string, http: string): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${http}
}
`;
}

/** A shipped file with its production include paths pointed at this checkout's infra/nginx/. */
export function shipped(name: string): string {
  return readFileSync(join(NGINX_DIR, name), 'utf8').replaceAll('/etc/nginx/sipantaumilu/', NGINX_DIR);
}

export interface RunningNginx {
  url: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** nginx on a free port proxying /api/ to `backendUrl` through the shipped limits (as sipantaumilu.conf does). */
export async function startNginx(backendUrl: string): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-nginx-'));
  // Run as root, nginx's workers are `nobody`: they must reach the temp paths under it (a large body is buffered there).
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'logs'));
  const port = await freePort();
  const upstream = new URL(backendUrl).host;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    frame(
      dir,
      `  include ${NGINX_DIR}limits-http.conf;
  upstream sp_backend { server ${upstream}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64k;
    include ${NGINX_DIR}limits-server.conf;
    location /api/ {
      include ${NGINX_DIR}limits-api.conf;
      client_max_body_size 13m;
      proxy_pass http://sp_backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream off;
      proxy_read_timeout 15s;
    }
  }`,
    ),
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr}`);
    try {
      await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    errorLog: () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
