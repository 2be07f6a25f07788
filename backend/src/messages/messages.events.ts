import type { MessageTarget, Priority } from './messages.contract.js';

/** One stream per message: `message-<uuid>`, holding MessageSent then one MessageRead per TPS that read it. */
export const MESSAGE_STREAM_PREFIX = 'message-';
export const messageStream = (messageId: string) => `${MESSAGE_STREAM_PREFIX}${messageId}`;

export interface MessageSent {
  type: 'MessageSent';
  /** `recipients`: the TPS the target named when it was sent (later changes of the reference data do not move it). */
  data: { messageId: string; to: MessageTarget; recipients: string[]; text: string; priority: Priority; sentBy: string; at: string };
}

export interface MessageRead {
  type: 'MessageRead';
  data: { messageId: string; tpsId: string; officer: string; at: string };
}

export type MessageEvent = MessageSent | MessageRead;
export const MESSAGE_EVENT_TYPES = ['MessageSent', 'MessageRead'] as const;
