import { z } from 'zod';
import { safeText } from '../http/safe-text.js';

const codes = (digits: number, what: string) =>
  z
    .array(z.string().regex(new RegExp(`^\\d{${digits}}$`), `must be a ${digits}-digit ${what} code`))
    .min(1)
    .max(1000);

export const sendMessageSchema = z.strictObject({
  to: z.strictObject({
    all: z.literal(true).optional(),
    kecamatan: codes(6, 'kecamatan').optional(),
    kelurahan: codes(10, 'kelurahan').optional(),
    tps: codes(13, 'TPS').optional(),
  }),
  text: safeText(1, 1000),
  priority: z.enum(['normal', 'urgent'], { error: 'must be normal or urgent' }),
});
