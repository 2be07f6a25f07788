/**
 * Per-tally cost of the saturation phase: backend CPU (user + system of the child process, the figure
 * process.cpuUsage() gives inside it, read from /proc/<pid>/stat) and PostgreSQL work on the benchmark's database:
 * statements (pg_stat_statements, when the server has it loaded) and commits (pg_stat_database, always).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

export interface CostSample {
  cpuMicros: number;
  commits: number;
  statements: number | null;
}

export interface TallyCost {
  cpuMicrosPerTally: number;
  commitsPerTally: number;
  /** null: pg_stat_statements is not loaded on this server (shared_preload_libraries). */
  statementsPerTally: number | null;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND; // utime, stime
}

export async function costProbe(pid: number, dbUrl: string): Promise<{ sample(): Promise<CostSample>; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: dbUrl, application_name: 'bench-cost' });
  await client.connect();
  const { rows: preload } = await client.query<{ on: boolean }>(
    `SELECT current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS on`,
  );
  let statements = preload[0].on;
  if (statements) {
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    } catch {
      statements = false;
    }
  }
  return {
    async sample() {
      await client.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await client.query<{ commits: string; calls: string | null }>(
        `SELECT xact_commit::text AS commits,
           ${statements ? `(SELECT sum(calls)::text FROM pg_stat_statements WHERE dbid = d.datid)` : 'NULL'} AS calls
         FROM pg_stat_database d WHERE datname = current_database()`,
      );
      return {
        cpuMicros: cpuMicros(pid),
        commits: Number(rows[0].commits),
        statements: rows[0].calls === null ? null : Number(rows[0].calls),
      };
    },
    close: () => client.end(),
  };
}

/** The difference of two samples per tally (the probe's own few statements and commits included: negligible). */
export function perTally(before: CostSample, after: CostSample, tallies: number): TallyCost {
  const per = (x: number) => Math.round((x / Math.max(1, tallies)) * 10) / 10;
  return {
    cpuMicrosPerTally: Math.round((after.cpuMicros - before.cpuMicros) / Math.max(1, tallies)),
    commitsPerTally: per(after.commits - before.commits),
    statementsPerTally: before.statements === null || after.statements === null ? null : per(after.statements - before.statements),
  };
}
