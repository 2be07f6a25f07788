import { Agent, request } from 'node:http';

export interface AddressedAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | undefined;
}

/**
 * HTTP from a chosen local address (e.g. 127.0.0.2: every 127/8 address is this machine), so a test can play two
 * clients the server tells apart by `req.ip` (TRUST_PROXY off). Keep-alive, so thousands of calls reuse sockets.
 */
export class AddressedClient {
  readonly agent: Agent;
  constructor(
    private readonly baseUrl: string,
    readonly localAddress: string,
    maxSockets = 16,
  ) {
    this.agent = new Agent({ keepAlive: true, localAddress, maxSockets });
  }

  post(path: string, body: unknown, token?: string): Promise<AddressedAnswer> {
    const url = new URL(path, this.baseUrl);
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              parsed = { text };
            }
            const ra = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, body: parsed, retryAfter: Array.isArray(ra) ? ra[0] : ra });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${path} from ${this.localAddress} timed out`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  signIn(nip: string, pin: string): Promise<AddressedAnswer> {
    return this.post('/api/auth/login', { nip, pin });
  }

  close(): void {
    this.agent.destroy();
  }
}
