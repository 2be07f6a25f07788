import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { INCIDENT_CATEGORIES } from '../tps/tally-form.schema.js';

const contestSchema = z.object({
  code: z.string().regex(/^[A-Z0-9_]{2,20}$/),
  name: z.string().min(1),
  candidates: z
    .array(
      z.object({
        number: z.string().regex(/^\d{2}$/),
        name: z.string().min(1),
        short: z.string().min(1),
        /** KPU's candidate-pair id in Sirekap's `chart` (e.g. 100025), for `npm run official:import`. */
        kpuId: z
          .string()
          .regex(/^\d{1,12}$/)
          .optional(),
      }),
    )
    .min(1),
});
const contestsFileSchema = z.object({ default: z.string(), contests: z.array(contestSchema).min(1) });

export type Contest = z.infer<typeof contestSchema>;
export interface Contests {
  defaultCode: string;
  list: Contest[];
  byCode: Map<string, Contest>;
}

export const DEFAULT_CONTESTS_FILE = new URL('../../data/contests.json', import.meta.url);

/** Contests and candidates are configuration (CONTESTS_FILE), not code; default: Pemilu 2024 PPWP. */
export function loadContests(file: URL | string = DEFAULT_CONTESTS_FILE): Contests {
  const parsed = contestsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byCode = new Map(parsed.contests.map((c) => [c.code, c]));
  if (!byCode.has(parsed.default)) throw new Error(`contests file: default contest ${parsed.default} is not listed`);
  return { defaultCode: parsed.default, list: parsed.contests, byCode };
}

const contactSchema = z.object({ name: z.string(), phone: z.string(), role: z.string() });
const contactsFileSchema = z.object({ posko: contactSchema, byCategory: z.record(z.string(), z.array(contactSchema)) });
export type Contact = z.infer<typeof contactSchema>;
export type Contacts = z.infer<typeof contactsFileSchema>;

export const DEFAULT_CONTACTS_FILE = new URL('../../data/emergency-contacts.json', import.meta.url);

export function loadContacts(file: URL | string = DEFAULT_CONTACTS_FILE): Contacts {
  return contactsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Whom a monitor calls for this category: the category's services, then the posko (always). */
export function contactsFor(contacts: Contacts, category: string): Contact[] {
  return [...(contacts.byCategory[category] ?? []), contacts.posko];
}

/** Every incident category's contacts (the officers' kit and the posko's incident policy). */
export function contactsByCategory(contacts: Contacts): Record<string, Contact[]> {
  return Object.fromEntries(INCIDENT_CATEGORIES.map((c) => [c, contactsFor(contacts, c)] as const));
}
