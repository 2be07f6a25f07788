/**
 * The one socket module: connects to the live namespace with the current token, resumes from the last applied
 * position on every (re)connect, whether or not Socket.IO recovered the session itself, and feeds LiveState.
 * Messages are applied in small batches so a burst costs one screen update per batch, not one per message.
 * The server closes a socket when its token expires or its user changes: every refreshed token is handed to the open
 * socket (re-authentication), and a socket closed for an expired token reconnects with the current one.
 */
import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  LiveAuthError,
  LiveMessage,
  LiveRequest,
  type ClientToServer,
  type FollowScope,
  type ResumeAnswer,
  type ServerToClient,
} from '$contract';
import { currentToken, onTokenRefreshed, refreshNow, signOut } from './api.ts';
import type { LiveState } from './live-state.svelte.ts';

type LiveSocket = Socket<ServerToClient, ClientToServer>;

/** What a screen follows: the city (everything under the root) or one area of any level. */
export type WallScope = FollowScope;
const CITY: WallScope = { level: 'city' };
const isCity = (s: WallScope) => s.level === 'city';
const sameScope = (a: WallScope, b: WallScope) => a.level === b.level && ('code' in a ? a.code : '') === ('code' in b ? b.code : '');

let wanted: WallScope = CITY;
let onFollow: ((scope: WallScope) => void) | null = null;

/**
 * The shown screen's area: the live socket follows it now and after every reconnect (only its and its children's
 * changes arrive then). Screens that need the whole city call it with `{ level: 'city' }` (the wall does on leaving).
 */
export function followArea(scope: WallScope): void {
  if (sameScope(scope, wanted)) return;
  wanted = scope;
  onFollow?.(scope);
}

const BATCH_MS = 50;
const RESUME_TIMEOUT_MS = 15_000;

export function startLive(state: LiveState): () => void {
  const socket: LiveSocket = io(LIVE_NAMESPACE, {
    // A function, so every reconnect presents the token as refreshed by then.
    auth: (cb) => cb({ token: currentToken() ?? '' }),
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });

  let queue: (() => void)[] = [];
  let dataInQueue = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** `data`: false for a heartbeat, which must not move the "last update" time. */
  const enqueue = (apply: () => void, data = true) => {
    queue.push(apply);
    dataInQueue ||= data;
    timer ??= setTimeout(() => {
      timer = null;
      const [batch, changed] = [queue, dataInQueue];
      [queue, dataInQueue] = [[], false];
      for (const f of batch) f();
      if (changed) state.changed();
    }, BATCH_MS);
  };

  let resuming = false;
  async function resume(): Promise<void> {
    if (resuming) return;
    resuming = true;
    try {
      await state.takeStartPosition();
      const answer = (await socket.timeout(RESUME_TIMEOUT_MS).emitWithAck(LiveRequest.Resume, { after: state.position })) as
        ResumeAnswer | { error: string };
      if ('error' in answer) throw new Error(answer.error);
      enqueue(() => state.applyResume(answer));
    } catch {
      // Timed out or refused: try again while connected; a reconnect resumes anyway.
      if (socket.connected) setTimeout(() => void resume(), 3000);
    } finally {
      resuming = false;
    }
  }

  /**
   * Set while the socket follows less than the city: the position it had then. Messages outside the followed area
   * did not arrive since, so following the city again resumes from there, not from the newest message applied.
   */
  let narrowedAt: string | null | undefined;
  async function sendFollow(scope: WallScope): Promise<void> {
    if (!isCity(scope) && narrowedAt === undefined) narrowedAt = state.position;
    await socket
      .timeout(RESUME_TIMEOUT_MS)
      .emitWithAck(LiveRequest.Follow, scope)
      .catch(() => undefined);
  }
  onFollow = (scope) => {
    if (!socket.connected) return; // the connect handler follows `wanted`
    void sendFollow(scope).then(() => {
      if (!isCity(scope) || narrowedAt === undefined) return;
      state.rewindTo(narrowedAt);
      narrowedAt = undefined;
      void resume();
    });
  };

  socket.on('connect', () => {
    state.connected();
    // A new connection sits in the city's room: follow the screen's area first, then resume.
    const scope = wanted;
    void (isCity(scope) ? Promise.resolve() : sendFollow(scope)).then(() => resume());
  });
  socket.on('disconnect', (reason) => {
    state.down();
    // The server closed us on purpose (restart, kick): Socket.IO does not retry by itself then.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 2000);
  });
  socket.on('connect_error', async (err) => {
    state.down();
    if (socket.active) return; // a transport problem: Socket.IO keeps retrying
    const auth = Object.values(LiveAuthError) as string[];
    if (err.message === LiveAuthError.TooManySockets) setTimeout(() => socket.connect(), 10_000);
    else if (
      auth.includes(err.message) &&
      err.message !== LiveAuthError.Forbidden &&
      err.message !== LiveAuthError.Revoked &&
      (await refreshNow())
    )
      socket.connect();
    else if (auth.includes(err.message)) signOut();
    else setTimeout(() => socket.connect(), 5000);
  });

  // A fresh token goes to the open socket, so it is not closed at the old token's expiry; refused, reconnect with it.
  const stopReauth = onTokenRefreshed((token) => {
    if (!socket.connected) return;
    socket
      .timeout(RESUME_TIMEOUT_MS)
      .emitWithAck(LiveRequest.Reauthenticate, { token })
      .then(
        (ack) => {
          if (!ack.ok) socket.disconnect().connect();
        },
        () => socket.disconnect().connect(),
      );
  });
  socket.on(LiveMessage.SessionEnded, ({ code }) => {
    // Removed or changed user: no token of it will work again. Expired: the reconnect below presents the current one.
    if (code === LiveAuthError.Revoked) signOut();
  });

  socket.on(LiveMessage.SummaryUpdated, (m) => enqueue(() => state.setSummary(m.position, m.data)));
  socket.on(LiveMessage.KelurahanUpdated, (m) => enqueue(() => state.setKelurahan(m.position, m.data)));
  socket.on(LiveMessage.TpsUpdated, (m) => enqueue(() => state.setTps(m.position, m.data)));
  socket.on(LiveMessage.IncidentReported, (m) => enqueue(() => state.setIncident(m.position, m.data)));
  socket.on(LiveMessage.IncidentResolved, (m) => enqueue(() => state.setIncident(m.position, m.data)));
  socket.on(LiveMessage.CoverageUpdated, (m) => enqueue(() => state.setCoverage(m.position, m.data)));
  socket.on(LiveMessage.AreaUpdated, (m) => enqueue(() => state.setArea(m.position, m.data)));
  socket.on(LiveMessage.MessagesUpdated, () => state.messagesChanged());
  socket.on(LiveMessage.Heartbeat, (h) => enqueue(() => state.heartbeat(h) && void resume(), false));

  const silence = setInterval(() => state.checkSilence(), 2000);
  return () => {
    onFollow = null;
    stopReauth();
    clearInterval(silence);
    if (timer) clearTimeout(timer);
    socket.disconnect();
  };
}
