/* eslint-disable svelte/prefer-svelte-reactivity -- bookkeeping only: what is rendered is the `messages` array, replaced whole */
import { io, type Socket } from 'socket.io-client';
import { MONITORS_NAMESPACE, MonitorMessage, type InboxMessage, type MonitorsServerToClient } from '$messages-contract';
import { request } from './http.ts';

/**
 * The posko's messages to this monitor: live on the monitors' own Socket.IO namespace (every (re)connect brings the
 * whole backlog, so nothing missed while the phone was off is lost), kept on the phone for reading offline, and read
 * receipts sent when the monitor opens them. A receipt that could not be sent waits on the phone and goes at the
 * next connect; the server answers a repeated receipt 200, so sending one twice is harmless.
 */
const STORE = (tpsId: string) => `sipantaumilu.petugas.inbox.${tpsId}`;

interface Kept {
  messages: InboxMessage[];
  /** Opened on the phone, receipt not yet acknowledged by the server. */
  unsent: string[];
}

function readKept(tpsId: string): Kept {
  try {
    const k = JSON.parse(localStorage.getItem(STORE(tpsId)) ?? 'null') as Kept | null;
    return k && Array.isArray(k.messages) && Array.isArray(k.unsent) ? k : { messages: [], unsent: [] };
  } catch {
    return { messages: [], unsent: [] };
  }
}

const newestFirst = (a: InboxMessage, b: InboxMessage) => (a.sentAt < b.sentAt ? 1 : a.sentAt > b.sentAt ? -1 : 0);

export class Inbox {
  messages = $state<InboxMessage[]>([]);
  /** Whether the live channel is up (the screen says when messages may be out of date). */
  connected = $state(false);
  unread = $derived(this.messages.filter((m) => !m.read));
  private unsent = new Set<string>();
  private socket: Socket<MonitorsServerToClient> | null = null;
  private tpsId: string | null = null;
  private token: () => string | null = () => null;

  /** Opens the channel for a signed-in monitor; `token` is read at every (re)connect, so a refreshed one is used. */
  start(tpsId: string, token: () => string | null): void {
    this.stop();
    this.tpsId = tpsId;
    this.token = token;
    const kept = readKept(tpsId);
    this.messages = kept.messages;
    this.unsent = new Set(kept.unsent);
    const socket: Socket<MonitorsServerToClient> = io(MONITORS_NAMESPACE, {
      auth: (cb) => cb({ token: this.token() }),
      // Long polling first works behind proxies that drop WebSocket upgrades; it upgrades when it can.
      transports: ['polling', 'websocket'],
      reconnectionDelay: 2_000,
      reconnectionDelayMax: 30_000,
    });
    socket.on('connect', () => {
      this.connected = true;
      void this.sendReceipts();
    });
    socket.on('disconnect', (reason) => {
      this.connected = false;
      // The server closes a socket whose token expired; the client does not retry that on its own.
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 2_000);
    });
    socket.on('connect_error', () => (this.connected = false));
    socket.on(MonitorMessage.Backlog, (list) => this.merge(list, true));
    socket.on(MonitorMessage.New, (m) => this.merge([m], false));
    this.socket = socket;
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connected = false;
  }

  /** Forget this phone's copy (sign-out). */
  forget(): void {
    if (this.tpsId) localStorage.removeItem(STORE(this.tpsId));
    this.stop();
    this.messages = [];
    this.unsent.clear();
    this.tpsId = null;
  }

  /** The monitor opened the messages: mark them read here at once, and tell the posko. */
  markAllRead(): void {
    const opened = this.messages.filter((m) => !m.read);
    if (opened.length === 0) return;
    const at = new Date().toISOString();
    this.messages = this.messages.map((m) => (m.read ? m : { ...m, read: true, readAt: at }));
    for (const m of opened) this.unsent.add(m.messageId);
    this.keep();
    void this.sendReceipts();
  }

  private merge(list: InboxMessage[], whole: boolean): void {
    const byId = new Map(this.messages.map((m) => [m.messageId, m]));
    for (const m of list) {
      const held = byId.get(m.messageId);
      // A receipt still on the phone keeps the message read, whatever the server says until it has the receipt.
      byId.set(m.messageId, this.unsent.has(m.messageId) && held ? { ...m, read: true, readAt: held.readAt } : m);
    }
    // The backlog is the server's whole list for this TPS (a monitor moved to another TPS drops the old one's).
    const ids = whole ? new Set(list.map((m) => m.messageId)) : null;
    this.messages = [...byId.values()].filter((m) => !ids || ids.has(m.messageId)).sort(newestFirst);
    this.keep();
  }

  private async sendReceipts(): Promise<void> {
    const token = this.token();
    if (!token) return;
    for (const id of [...this.unsent]) {
      try {
        const r = await request('POST', `/api/messages/${id}/read`, { token });
        // 201 recorded, 200 already recorded, 404 not for this TPS any more: nothing left to send for it.
        if (r.status === 201 || r.status === 200 || r.status === 404) this.unsent.delete(id);
        else break;
      } catch {
        break; // no network: the next connect sends it
      }
    }
    this.keep();
  }

  private keep(): void {
    if (!this.tpsId) return;
    try {
      localStorage.setItem(STORE(this.tpsId), JSON.stringify({ messages: this.messages, unsent: [...this.unsent] } satisfies Kept));
    } catch {
      /* storage full: the next backlog brings them again */
    }
  }
}
