/**
 * The backend under test as a child process (backend/dist/main.js, exactly what `npm start` runs), so its RSS is its
 * own and the load generator does not share its event loop. BENCH_CPU_PROF=<dir> starts it with --cpu-prof;
 * BENCH_EXTRA_ENV='NAME=value NAME2=value2' adds settings to its environment (to compare, e.g., PROJECTION_GATHER_MS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../database/embedded-postgres.js';
import { sleep } from './stats.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export interface ServerChild {
  url: string;
  pid: number;
  /** Peak resident set size so far (VmHWM), MB. */
  peakRssMb(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** The child gets a clean environment (nothing of the bench's own leaks in) plus what BENCH_EXTRA_ENV names. */
function extraEnv(): Record<string, string> {
  const pairs = (process.env.BENCH_EXTRA_ENV ?? '').split(/\s+/).filter(Boolean);
  return Object.fromEntries(
    pairs.map((p) => {
      const eq = p.indexOf('=');
      if (eq < 1) throw new Error(`BENCH_EXTRA_ENV: expected NAME=value, got ${p}`);
      return [p.slice(0, eq), p.slice(eq + 1)];
    }),
  );
}

export async function startServer(env: Record<string, string>, log: (m: string) => void): Promise<ServerChild> {
  const port = await freePort();
  const prof = process.env.BENCH_CPU_PROF;
  // The heap cap of `npm start`, the systemd unit and the image (docs/operations.md "Memory").
  const args = ['--max-old-space-size=640', ...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), MAIN];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
      ...extraEnv(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`backend did not become healthy within 60 s:\n${output}`);
    await sleep(200);
  }
  log(`backend pid ${child.pid} listening on ${url}${prof ? ` (CPU profile into ${prof})` : ''}`);
  const pid = child.pid!;
  return {
    url,
    pid,
    peakRssMb: () => Math.round(statusKb(pid, 'VmHWM') / 1024),
    rssMb: () => Math.round(statusKb(pid, 'VmRSS') / 1024),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0 && code !== null) log(`backend exited with ${code}: ${output.slice(-2000)}`);
    },
  };
}
