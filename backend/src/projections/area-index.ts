/**
 * The hierarchy of the configured reference as lookups built once at start (docs/scaling.md "Areas at every level"):
 * each area's level, name and children in code order, and every kelurahan in code order, so a request finds an area's
 * children, parents or kelurahan range by lookup and binary search, never by walking all kelurahan or TPS. Only areas
 * at or below the reference's root are inside it (the city: kabupaten 1673 and below).
 */
import type { AreaRef, HierarchyLevel } from '../live/live.contract.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { parentCodeOf } from './area-rollup.js';

const LEVEL_BY_LENGTH: Record<number, HierarchyLevel> = { 0: 'nation', 2: 'provinsi', 4: 'kabupaten', 6: 'kecamatan', 10: 'kelurahan' };

interface Entry {
  name: string;
  children: string[];
}

export class AreaIndex {
  private readonly areas = new Map<string, Entry>();
  /** Every kelurahan code of the reference, in code order. */
  readonly kelurahanCodes: string[];
  /** Every kecamatan code of the reference, in code order. */
  readonly kecamatanCodes: string[];
  readonly root: AreaRef;

  constructor(private readonly ref: ReferenceData) {
    this.root = { level: ref.root.level, code: ref.root.code, name: ref.root.name };
    const add = (code: string, name: string) => this.areas.set(code, { name, children: [] });
    add('', 'Indonesia');
    for (const p of ref.provinsi) add(p.code, p.name);
    for (const k of ref.kabupaten) add(k.code, k.name);
    for (const k of ref.kecamatan) add(k.code, k.name);
    for (const k of ref.kelurahan) add(k.code, k.name);
    for (const [code] of this.areas) {
      const parent = parentCodeOf(code);
      if (parent !== null) this.areas.get(parent)?.children.push(code);
    }
    for (const e of this.areas.values()) e.children.sort();
    this.kelurahanCodes = ref.kelurahan.map((k) => k.code).sort();
    this.kecamatanCodes = ref.kecamatan.map((k) => k.code).sort();
  }

  /** Whether `code` is an area of the reference at or below its root. */
  has(code: string): boolean {
    return this.areas.has(code) && code.startsWith(this.root.code) && code.length >= this.root.code.length;
  }

  levelOf(code: string): HierarchyLevel {
    return LEVEL_BY_LENGTH[code.length];
  }

  areaRef(code: string): AreaRef {
    return { level: this.levelOf(code), code, name: this.areas.get(code)?.name ?? code };
  }

  children(code: string): readonly string[] {
    return this.areas.get(code)?.children ?? [];
  }

  /** The level of an area's children: the next level down, or 'tps' below a kelurahan. */
  childLevel(code: string): HierarchyLevel | 'tps' {
    return code.length === 10 ? 'tps' : LEVEL_BY_LENGTH[code.length === 6 ? 10 : code.length + 2];
  }

  /** From the root down to the area's parent; [] for the root. */
  parents(code: string): AreaRef[] {
    const out: AreaRef[] = [];
    for (let p = parentCodeOf(code); p !== null && p.length >= this.root.code.length; p = parentCodeOf(p)) out.unshift(this.areaRef(p));
    return out;
  }

  /** The area itself and the areas above it up to the root (the areas whose numbers a change in `code` moves). */
  selfAndAncestors(code: string): string[] {
    const out: string[] = [];
    for (let p: string | null = code; p !== null && p.length >= this.root.code.length; p = parentCodeOf(p)) if (this.has(p)) out.push(p);
    return out;
  }

  /** The kelurahan of an area (any level) in code order, from the first whose code is >= `from`. */
  kelurahanOf(code: string, from = ''): Generator<string> {
    return within(this.kelurahanCodes, code, from);
  }

  /** The kecamatan of an area (a kecamatan or above) in code order, from the first whose code is >= `from`. */
  kecamatanOf(code: string, from = ''): Generator<string> {
    return within(this.kecamatanCodes, code, from);
  }

  /** How many kelurahan the area (any level) holds: two binary searches. */
  kelurahanCount(code: string): number {
    // ':' sorts right after '9': the first code past every code that starts with `code`.
    return lowerBound(this.kelurahanCodes, code + ':') - lowerBound(this.kelurahanCodes, code);
  }

  /** The TPS ids of a kelurahan in id order, found by their numbers (001-999) in the reference's TPS lookup. */
  tpsOf(kelurahanCode: string): string[] {
    const want = this.ref.tpsCount.get(kelurahanCode) ?? 0;
    const out: string[] = [];
    for (let n = 1; n <= 999 && out.length < want; n++) {
      const id = kelurahanCode + String(n).padStart(3, '0');
      if (this.ref.tpsById.get(id)) out.push(id);
    }
    return out;
  }
}

/** The codes of a sorted list that start with `code`, from the first >= `from`. */
function* within(sorted: readonly string[], code: string, from: string): Generator<string> {
  const start = Math.max(lowerBound(sorted, code), lowerBound(sorted, from));
  for (let i = start; i < sorted.length && sorted[i].startsWith(code); i++) yield sorted[i];
}

/** The first index whose value is >= `key` in a sorted array. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > `key` in a sorted array. */
export function upperBound(sorted: readonly string[], key: string): number {
  const i = lowerBound(sorted, key);
  return sorted[i] === key ? i + 1 : i;
}

const indexes = new WeakMap<ReferenceData, AreaIndex>();

/** The index of a reference, built on first use and kept with it. */
export function areaIndexOf(ref: ReferenceData): AreaIndex {
  let i = indexes.get(ref);
  if (!i) indexes.set(ref, (i = new AreaIndex(ref)));
  return i;
}
