import { spawn, type ChildProcess } from 'node:child_process';
import { callApi, type CallResult } from '../../support/http.js';

export { callApi };

const RUNNING = /Sipantaumilu is running: open http:\/\/localhost:(\d+)\//;

/**
 * The backend as a child process (node <built main.js>), so a test can SIGKILL or SIGTERM it like an operator or the
 * kernel would. Everything it logs is kept in `logs` for assertions (no PIN or token may appear there).
 */
export class ChildBackend {
  readonly logs: string[] = [];
  url = '';
  private exitCode: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exitCode = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  /** Spawns and resolves once it listens; rejects if it exits or says nothing useful within `timeoutMs`. */
  static async start(main: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ChildBackend> {
    const { NODE_OPTIONS: _omit, ...inherited } = process.env;
    const child = spawn(process.execPath, [main], {
      env: {
        ...inherited,
        HOST: '127.0.0.1',
        PORT: '0',
        NODE_ENV: 'test',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'log',
        DASHBOARD_DIR: '/nonexistent',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const backend = new ChildBackend(child);
    let partial = '';
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      backend.logs.push(...lines);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    backend.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`backend did not start within ${timeoutMs} ms`)), timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${e.message}\n${backend.logs.slice(-20).join('\n')}`));
      };
      const check = () => {
        const m = backend.logs.map((l) => RUNNING.exec(l)).find(Boolean);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      };
      child.stdout.on('data', check);
      void backend.exitCode.then((code) => fail(new Error(`backend exited with ${code} while starting`)));
    });
    return backend;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  call(method: string, path: string, opts: Parameters<typeof callApi>[3] = {}): Promise<CallResult> {
    return callApi(this.url, method, path, opts);
  }

  async login(nip: string, pin: string): Promise<string> {
    const r = await this.call('POST', '/api/auth/login', { body: { nip, pin } });
    if (r.status !== 200) throw new Error(`login ${nip}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  }

  /** Sends a signal and waits for the exit (SIGKILL after `timeoutMs`, so the test never waits forever). */
  async stop(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 20_000): Promise<number | null> {
    if (!this.running) return this.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exitCode;
    } finally {
      clearTimeout(timer);
    }
  }

  exited(): Promise<number | null> {
    return this.exitCode;
  }
}
