/**
 * `npm run official:import -- PATH` (scripts/import-official.ts) and its tests run this: every file, JSON line or CSV
 * row of PATH becomes one `OfficialResultImported` in its TPS stream, or a clear reason why not. One event per file,
 * so a bad file leaves nothing behind; the Idempotency-Key per TPS and KPU `ts` makes a repeated file a no-op.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Principal } from '../auth/principal.js';
import { positionToString } from '../event-store/position.js';
import { DomainError } from '../http/domain-error.js';
import type { Contest } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { TpsCommandHandler } from '../tps/tps-command.handler.js';
import { readSirekapFile, sirekapFromCsvRecord, type Outcome, type ReadContext } from './sirekap-result.js';

/** The actor the import's events carry. */
export const OFFICIAL_IMPORT_ACTOR: Principal = { sub: 'official-import', role: 'admin' };

export interface ImportLine {
  /** File path, `path:line` for JSON lines and CSV rows. */
  label: string;
  tpsId: string | null;
  status: 'imported' | 'already_imported' | 'pending' | 'error';
  message: string;
}

export interface ImportReport {
  lines: ImportLine[];
  imported: number;
  alreadyImported: number;
  pending: number;
  errors: number;
  /** Log position of the last event appended (null: none), for `?minPosition=`. */
  lastPosition: string | null;
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(p)));
    else if (entry.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

const problemOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** 1. Read PATH into outcomes (a directory of `<tpsId>.json`, a `.csv`, or JSON lines with `tps_id`). */
export async function readOfficialPath(path: string, ctx: ReadContext): Promise<{ label: string; outcome: Outcome }[]> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const out: { label: string; outcome: Outcome }[] = [];
    for (const file of await jsonFiles(path)) {
      const tpsId = basename(file, '.json');
      let value: unknown;
      try {
        value = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        out.push({ label: file, outcome: { kind: 'error', tpsId, problem: `not valid JSON (${problemOf(e)})` } });
        continue;
      }
      out.push({ label: file, outcome: readSirekapFile(value, tpsId, 'sirekap-json', ctx) });
    }
    return out;
  }
  const text = await readFile(path, 'utf8');
  if (path.toLowerCase().endsWith('.csv')) {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as unknown as typeof records;
    } catch (e) {
      return [{ label: path, outcome: { kind: 'error', tpsId: null, problem: `not a readable CSV (${problemOf(e)})` } }];
    }
    return records.map(({ record, info: i }) => {
      const { tpsId, value } = sirekapFromCsvRecord(record, ctx.contest);
      return { label: `${path}:${i.lines}`, outcome: readSirekapFile(value, tpsId, 'csv', ctx) };
    });
  }
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    const label = `${path}:${i + 1}`;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      return [{ label, outcome: { kind: 'error' as const, tpsId: null, problem: `not valid JSON (${problemOf(e)})` } }];
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return [{ label, outcome: { kind: 'error' as const, tpsId: null, problem: 'a line must be one JSON object' } }];
    const { tps_id: tpsId, ...file } = value;
    if (typeof tpsId !== 'string')
      return [{ label, outcome: { kind: 'error' as const, tpsId: null, problem: 'tps_id: required (the 13-digit TPS id)' } }];
    return [{ label, outcome: readSirekapFile(file, tpsId, 'sirekap-json', ctx) }];
  });
}

/** 2. Append each result to its TPS stream; a repeat of an imported TPS and `ts` appends nothing. */
export async function importOfficialResults(
  path: string,
  deps: { handler: TpsCommandHandler; ref: ReferenceData; contest: Contest },
): Promise<ImportReport> {
  const ctx: ReadContext = { contest: deps.contest, knownTps: (id) => deps.ref.tpsById.get(id) };
  const lines: ImportLine[] = [];
  let lastPosition: string | null = null;
  for (const { label, outcome } of await readOfficialPath(path, ctx)) {
    if (outcome.kind === 'error') {
      lines.push({ label, tpsId: outcome.tpsId, status: 'error', message: outcome.problem });
      continue;
    }
    if (outcome.kind === 'pending') {
      lines.push({ label, tpsId: outcome.tpsId, status: 'pending', message: outcome.why });
      continue;
    }
    const { source: _source, ...numbers } = outcome.data;
    try {
      const r = await deps.handler.handle(
        outcome.tpsId,
        { type: 'ImportOfficialResult', data: outcome.data },
        {
          principal: OFFICIAL_IMPORT_ACTOR,
          requestId: `official-import-${outcome.tpsId}`,
          clientTime: null,
          idempotencyKey: `official-${outcome.tpsId}-${outcome.data.ts.replace(/\D/g, '')}`,
          route: 'official:import',
          // The numbers, not where they came from: the same result from the CSV and from JSON is one result.
          body: numbers,
        },
      );
      if (!r.replayed) lastPosition = positionToString(r.event.position);
      const flags = outcome.data.flags.length ? `; flagged: ${outcome.data.flags.map((f) => `rule ${f.rule} ${f.code}`).join(', ')}` : '';
      lines.push({
        label,
        tpsId: outcome.tpsId,
        status: r.replayed ? 'already_imported' : 'imported',
        message: `${r.replayed ? 'already imported' : 'imported'} (ts ${outcome.data.ts}, revision ${Number(r.event.revision)})${flags}`,
      });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const message =
        e.code === 'IDEMPOTENCY.KEY_REUSED'
          ? `a different result for TPS ${outcome.tpsId} with ts ${outcome.data.ts} was imported before: kept the first`
          : `${e.code}: ${e.message}`;
      lines.push({ label, tpsId: outcome.tpsId, status: 'error', message });
    }
  }
  const n = (s: ImportLine['status']) => lines.filter((l) => l.status === s).length;
  return {
    lines,
    imported: n('imported'),
    alreadyImported: n('already_imported'),
    pending: n('pending'),
    errors: n('error'),
    lastPosition,
  };
}
