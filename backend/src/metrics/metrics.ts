import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { WrongExpectedRevisionError } from '../event-store/event-store.errors.js';

/**
 * Every metric of the process, in one prom-client registry served at /api/metrics (docs/operations.md lists them).
 * Module-level like prom-client's own default registry: the code that counts imports the metric it counts; a test
 * app in the same process shares them, so tests compare before and after, never absolute values.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry }); // event-loop lag, GC, heap, handles, CPU: process_* and nodejs_*

const P = 'sipantaumilu_';

export const httpDuration = new Histogram({
  name: `${P}http_request_duration_seconds`,
  help: 'HTTP requests by method, matched route pattern and status, from the first byte in to the last byte out.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const errorAnswers = new Counter({
  name: `${P}http_errors_total`,
  help: 'Error answers by their stable code (RATE.LIMITED, TALLY.INCONSISTENT, STORE.UNAVAILABLE, INTERNAL, ...).',
  labelNames: ['code', 'status'] as const,
  registers: [registry],
});

export const signInFailures = new Counter({
  name: `${P}signin_failures_total`,
  help: 'Refused sign-ins: wrong NIP or PIN.',
  registers: [registry],
});

export const signInLockouts = new Counter({
  name: `${P}signin_lockouts_total`,
  help: 'Sign-ins answered AUTH.LOCKED (the NIP is locked or delayed after wrong PINs).',
  registers: [registry],
});

export const appendDuration = new Histogram({
  name: `${P}append_duration_seconds`,
  help: 'Appending a command’s event to the event store, by outcome (ok, conflict, error).',
  labelNames: ['outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const eventsAppended = new Counter({
  name: `${P}events_appended_total`,
  help: 'Events this node appended, by event type.',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const projectionBatchDuration = new Histogram({
  name: `${P}projection_batch_duration_seconds`,
  help: 'One projection batch transaction (apply and checkpoint), by projection.',
  labelNames: ['projection'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const submitToScreen = new Histogram({
  name: `${P}submit_to_screen_seconds`,
  help: 'From the commit of the oldest event in a live change (its recorded time) to the push of that change to the sockets.',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [registry],
});

export const socketConnections = new Gauge({
  name: `${P}socket_connections`,
  help: 'Live Socket.IO connections open on this node.',
  registers: [registry],
});

export const socketConnects = new Counter({
  name: `${P}socket_connects_total`,
  help: 'Live Socket.IO connections accepted.',
  registers: [registry],
});

export const socketDisconnects = new Counter({
  name: `${P}socket_disconnects_total`,
  help: 'Live Socket.IO disconnections, by Socket.IO reason (transport close, ping timeout, server namespace disconnect...).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const socketMessages = new Counter({
  name: `${P}socket_messages_total`,
  help: 'Messages received from live sockets, by event name (follow, resume, ...).',
  labelNames: ['event'] as const,
  registers: [registry],
});

/** Error codes that are a refused sign-in, counted on their own for the sign-in alerts. */
export function countErrorAnswer(code: string, status: number): void {
  errorAnswers.inc({ code, status: String(status) });
  if (code === 'AUTH.INVALID_CREDENTIALS') signInFailures.inc();
  if (code === 'AUTH.LOCKED') signInLockouts.inc();
}

/** Times one append and counts its event by type (not when the store says the id was already there: a retry). */
export async function timedAppend<R extends { written?: boolean }>(type: string, append: () => Promise<R>): Promise<R> {
  const end = appendDuration.startTimer();
  try {
    const r = await append();
    end({ outcome: 'ok' });
    if (r.written !== false) eventsAppended.inc({ type });
    return r;
  } catch (e) {
    end({ outcome: e instanceof WrongExpectedRevisionError ? 'conflict' : 'error' });
    throw e;
  }
}

const KNOWN_SOCKET_EVENTS = new Set(['follow', 'resume']);

/** Counts a live socket's connection, its messages (unknown names as `other`: a client picks them) and its end. */
export function countSocket(socket: {
  onAny(fn: (event: string) => void): unknown;
  once(ev: 'disconnect', fn: (reason: string) => void): unknown;
}): void {
  socketConnects.inc();
  socketConnections.inc();
  socket.onAny((event) => socketMessages.inc({ event: KNOWN_SOCKET_EVENTS.has(event) ? event : 'other' }));
  socket.once('disconnect', (reason) => {
    socketConnections.dec();
    socketDisconnects.inc({ reason });
  });
}
