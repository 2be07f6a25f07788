import type { RouteDoc } from '../http/api-doc.decorator.js';
import { sendMessageSchema } from './messages.schema.js';

const auth = { 401: ['AUTH.UNAUTHENTICATED', 'AUTH.INVALID_TOKEN', 'AUTH.TOKEN_EXPIRED', 'AUTH.REVOKED'], 403: ['AUTH.FORBIDDEN'] };

export const messagesApiDocs = {
  send: {
    summary: 'Send a message to monitors by area or TPS (operator, admin)',
    body: sendMessageSchema,
    example: { to: { kelurahan: ['1673061002'] }, text: 'Kirim foto C.Hasil sekarang', priority: 'urgent' },
    answer: {
      status: 201,
      example: {
        messageId: '3f0b7a0c-8d1e-4f0e-9a43-3c1f5e0d2a11',
        recipients: 13,
        sentAt: '2024-02-14T06:10:00.000Z',
        position: '4242/4242',
      },
    },
    errors: { ...auth, 400: ['REQUEST.INVALID'], 409: ['STORE.CONFLICT'], 422: ['IDEMPOTENCY.KEY_REUSED'] },
    idempotent: true,
  },
  read: {
    summary: "Mark a message to this monitor's TPS as read (officer); again: 200 with alreadyRead",
    answer: {
      status: 201,
      example: { messageId: '3f0b7a0c-8d1e-4f0e-9a43-3c1f5e0d2a11', tpsId: '1673061002001', readAt: '2024-02-14T06:11:00.000Z' },
    },
    errors: { ...auth, 404: ['MESSAGE.NOT_FOUND'], 409: ['STORE.CONFLICT'] },
  },
} satisfies Record<string, RouteDoc>;
