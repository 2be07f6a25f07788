import { Inject, Injectable, Optional } from '@nestjs/common';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import type { OddityContext } from './tally-rules.js';

const TTL_MS = 5000;

/**
 * Kelurahan shares for the "much unlike its kelurahan" oddity. Read from the projected tallies and cached a few
 * seconds: the check is a hint for the posko, so slightly stale shares are fine and the write path stays cheap.
 */
@Injectable()
export class OddityContextService {
  private cache: { at: number; byKey: Map<string, OddityContext['kelurahanShares']> } | null = null;
  private loading: Promise<void> | null = null;

  constructor(@Optional() @Inject(READ_MODELS) private readonly readModels?: ReadModels) {}

  async contextFor(kelurahanCode: string, contest: string): Promise<OddityContext> {
    if (!this.readModels) return {};
    if (!this.cache || Date.now() - this.cache.at > TTL_MS) {
      this.loading ??= this.load().finally(() => (this.loading = null));
      await this.loading;
    }
    return { kelurahanShares: this.cache?.byKey.get(`${contest}:${kelurahanCode}`) };
  }

  private async load(): Promise<void> {
    const byKey = new Map<string, OddityContext['kelurahanShares']>();
    try {
      const rows = await this.readModels!.kelurahanList();
      for (const k of rows) {
        byKey.set(`${k.contest}:${k.code}`, {
          tpsReported: k.tpsReported,
          shares: Object.fromEntries(k.candidates.map((c) => [c.number, c.share])),
        });
      }
    } catch {
      // Read models unavailable: skip the hint rather than fail the monitor's write.
    }
    this.cache = { at: Date.now(), byKey };
  }
}
