/**
 * The incident categories' names in Bahasa Indonesia, as the PDF report and the dashboard show them (the dashboard
 * imports this file as `$incident-labels`). Framework-free: nothing here may import NestJS or Node.
 */
import type { IncidentCategory } from './tps.events.js';

/** Keyed by string: an unknown category (an older or newer event) falls back to its code at the caller. */
export const INCIDENT_CATEGORY_LABEL: Readonly<Record<string, string>> = {
  security: 'Keamanan',
  medical: 'Darurat medis',
  fire: 'Kebakaran',
  vote_buying: 'Politik uang',
  logistics: 'Logistik',
  procedure: 'Pelanggaran prosedur',
  disaster: 'Bencana',
  other: 'Lainnya',
} satisfies Record<IncidentCategory, string>;
