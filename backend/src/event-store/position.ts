/**
 * A global log position. Opaque to callers: compare with comparePositions, persist with positionToString.
 * Both adapters map their native positions onto two unsigned 64-bit numbers (EventStoreDB: commit/prepare;
 * PostgreSQL: transaction id / sequence number), ordered lexicographically.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export function position(commit: bigint, prepare: bigint): Position {
  return Object.freeze({ commit, prepare });
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function maxPosition(a: Position | null, b: Position | null): Position | null {
  if (!a) return b;
  if (!b) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}

/** `commit/prepare` in decimal, e.g. `1234/56`. */
export function positionToString(p: Position): string {
  return `${p.commit}/${p.prepare}`;
}

const FORMAT = /^(\d{1,20})\/(\d{1,20})$/;

export function isPositionString(s: string): boolean {
  return FORMAT.test(s);
}

export function positionFromString(s: string): Position {
  const m = FORMAT.exec(s);
  if (!m) throw new Error(`not a position: ${JSON.stringify(s)}`);
  return position(BigInt(m[1]), BigInt(m[2]));
}
