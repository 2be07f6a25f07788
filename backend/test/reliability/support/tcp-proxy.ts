import net from 'node:net';

/**
 * A TCP proxy between the backend and PostgreSQL that a test controls: `cut()` drops every open connection and refuses
 * new ones (as a dead network or a crashed server would look to the backend), `restore()` lets them through again,
 * `setLatency(ms)` delays every chunk in both directions (a slow or distant database).
 */
export class TcpProxy {
  private readonly server = net.createServer((client) => this.accept(client));
  private readonly open = new Set<net.Socket>();
  private isCut = false;
  private latencyMs = 0;
  private readonly lastRelease = new WeakMap<net.Socket, number>();
  private readonly pending = new WeakMap<net.Socket, number>();
  port = 0;
  /** Chunks sent towards PostgreSQL so far: a test can wait for queries to be under way. */
  chunksUp = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const u = new URL(targetUrl);
    const proxy = new TcpProxy(u.hostname, Number(u.port || 5432));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  cut(): void {
    this.isCut = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.open.add(from);
      from.on('data', (chunk) => {
        if (from === client) this.chunksUp++;
        this.forward(to, chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => {
        this.open.delete(from);
        to.destroy();
      });
    }
  }

  private forward(to: net.Socket, chunk: Buffer): void {
    // Chunks must keep their order even when the latency changes mid-stream: each leaves no earlier than the one before.
    const at = Math.max(Date.now() + this.latencyMs, this.lastRelease.get(to) ?? 0);
    this.lastRelease.set(to, at);
    const pending = this.pending.get(to) ?? 0;
    if (pending === 0 && at <= Date.now()) {
      if (!to.destroyed) to.write(chunk);
      return;
    }
    this.pending.set(to, pending + 1);
    setTimeout(
      () => {
        this.pending.set(to, (this.pending.get(to) ?? 1) - 1);
        if (!to.destroyed) to.write(chunk);
      },
      Math.max(0, at - Date.now()),
    ).unref(); // the open sockets keep the process alive; a chunk still delayed after close() must not
  }
}
