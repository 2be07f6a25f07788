/**
 * The TPS of the reference, held compactly: a TPS id is its kelurahan's code plus a 3-digit number, so the TPS are
 * the kelurahan's numbers in one Uint16Array (file order), and a Tps object is made when asked for. 820,000 TPS cost
 * about 1.6 MB here instead of ~150 MB of objects and map entries. `TpsIndex` offers the read side of a Map (get, has,
 * size, iteration), so `ref.tpsById` callers work unchanged.
 */
import type { Kelurahan, Tps } from './reference-data.js';

const TPS_ID = /^\d{13}$/;

export class TpsIndex implements Iterable<[string, Tps]> {
  private readonly kelurahanIndex = new Map<string, number>();
  /** numbers[from[i] .. from[i + 1]) are the TPS numbers of kelurahan i. */
  private readonly from: Int32Array;
  private readonly numbers: Uint16Array;

  constructor(
    private readonly kelurahan: readonly Kelurahan[],
    tpsNumbers: ReadonlyArray<readonly number[]>,
  ) {
    this.from = new Int32Array(kelurahan.length + 1);
    let total = 0;
    kelurahan.forEach((k, i) => {
      this.kelurahanIndex.set(k.code, i);
      this.from[i] = total;
      total += tpsNumbers[i]?.length ?? 0;
    });
    this.from[kelurahan.length] = total;
    this.numbers = new Uint16Array(total);
    kelurahan.forEach((_, i) => this.numbers.set(tpsNumbers[i] ?? [], this.from[i]));
  }

  get size(): number {
    return this.numbers.length;
  }

  get(id: string): Tps | undefined {
    if (!TPS_ID.test(id)) return undefined;
    const i = this.kelurahanIndex.get(id.slice(0, 10));
    if (i === undefined) return undefined;
    const n = Number(id.slice(10));
    for (let j = this.from[i]; j < this.from[i + 1]; j++) if (this.numbers[j] === n) return this.make(i, n);
    return undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** The TPS of one kelurahan, in file order (empty for an unknown code). */
  ofKelurahan(code: string): Tps[] {
    const i = this.kelurahanIndex.get(code);
    if (i === undefined) return [];
    const out: Tps[] = [];
    for (let j = this.from[i]; j < this.from[i + 1]; j++) out.push(this.make(i, this.numbers[j]));
    return out;
  }

  /** Every TPS in file order, made one at a time (nothing is kept). */
  *values(): IterableIterator<Tps> {
    for (let i = 0; i < this.kelurahan.length; i++)
      for (let j = this.from[i]; j < this.from[i + 1]; j++) yield this.make(i, this.numbers[j]);
  }

  *keys(): IterableIterator<string> {
    for (const t of this.values()) yield t.id;
  }

  *entries(): IterableIterator<[string, Tps]> {
    for (const t of this.values()) yield [t.id, t];
  }

  [Symbol.iterator](): IterableIterator<[string, Tps]> {
    return this.entries();
  }

  forEach(fn: (tps: Tps, id: string) => void): void {
    for (const t of this.values()) fn(t, t.id);
  }

  private make(i: number, n: number): Tps {
    const k = this.kelurahan[i];
    return { id: k.code + String(n).padStart(3, '0'), number: n, kelurahanCode: k.code, kecamatanCode: k.kecamatanCode, special: n >= 900 };
  }
}
