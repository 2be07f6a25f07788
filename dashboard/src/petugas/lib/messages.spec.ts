import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasMessage, messageFor } from './messages.ts';

/** Codes of screens a monitor never calls (audit, projections, map, live channel, area reads, the supervisor's review and paper double entry). */
const NOT_FOR_OFFICERS = /^(AUDIT|PROJECTION|MAP|RESUME|READ|FOLLOW|KELURAHAN|AREA|REVIEW|PAPER)\./;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

describe("the officers' app's messages", () => {
  it('has a plain Indonesian message for every error code the backend can answer a monitor with', () => {
    const backend = new URL('../../../../backend/src', import.meta.url).pathname;
    const codes = new Set<string>();
    for (const file of sources(backend)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'([A-Z]+\.[A-Z_]+)'/g)) codes.add(m[1]);
    }
    const officers = [...codes].filter((c) => !NOT_FOR_OFFICERS.test(c)).sort();
    expect(officers.length).toBeGreaterThan(20);
    expect(officers.filter((c) => !hasMessage(c))).toEqual([]);
  });

  it('falls back to a message that names the code, and says a 5xx is retried', () => {
    expect(messageFor('SOMETHING.NEW', 400)).toContain('SOMETHING.NEW');
    expect(messageFor('SOMETHING.NEW', 502)).toBe('Server sedang bermasalah. Laporan dikirim ulang otomatis.');
  });
});
