import type { HttpAdapterHost } from '@nestjs/core';
import proxyaddr from 'proxy-addr';
import type { Socket } from 'socket.io';
import { clientKey } from '../auth/client-key.js';

type TrustFn = (addr: string, i: number) => boolean;

/**
 * The client address of a socket, by the same rule as HTTP's `req.ip`: Express's compiled `trust proxy` (TRUST_PROXY)
 * applied to the handshake request, so behind nginx the per-address cap counts clients, not the proxy.
 */
export function socketAddress(socket: Socket, host: HttpAdapterHost): string {
  const app = host.httpAdapter?.getInstance<{ get?: (k: string) => unknown }>();
  const trust = app?.get?.('trust proxy fn') as TrustFn | undefined;
  const ip = trust ? proxyaddr(socket.request, trust) : socket.handshake.address;
  return clientKey(ip);
}
