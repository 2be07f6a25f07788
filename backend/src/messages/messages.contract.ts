/**
 * Messages from the posko to monitors (docs/posko.md): the routes' payloads and the monitors' Socket.IO namespace,
 * declared once and imported by the backend and the dashboard (`$messages-contract`). Plain types and constants only.
 */

/** The monitors' own namespace (officers are refused on /live; everyone but officers is refused here). */
export const MONITORS_NAMESPACE = '/monitors';

export const MonitorMessage = {
  /** A new message for this monitor's TPS. */
  New: 'message:new',
  /** On every (re)connect: every message to this TPS, newest first, with read state, so nothing missed is lost. */
  Backlog: 'message:backlog',
} as const;

export type Priority = 'normal' | 'urgent';

export interface MessageTarget {
  all?: true;
  kecamatan?: string[];
  kelurahan?: string[];
  tps?: string[];
}

/** A message as a monitor sees it. */
export interface InboxMessage {
  messageId: string;
  text: string;
  priority: Priority;
  sentAt: string;
  sentBy: string;
  read: boolean;
  readAt: string | null;
}

/** A message as the posko sees it: to whom, and how many of them read it. */
export interface SentMessage {
  messageId: string;
  text: string;
  priority: Priority;
  sentAt: string;
  sentBy: string;
  to: MessageTarget;
  /** TPS the message went to (m of "n of m read"). */
  recipients: number;
  /** TPS whose monitor read it (n). */
  read: number;
}

export interface MonitorsServerToClient {
  [MonitorMessage.New]: (m: InboxMessage) => void;
  [MonitorMessage.Backlog]: (m: InboxMessage[]) => void;
}
