/**
 * Kecamatan and kelurahan names for the filters and tables, from the read API's area lists. They never change while
 * the app runs, so they are fetched once per session and shared by every audit screen.
 */
import type { KecamatanSummary, KelurahanSummary } from '$contract';
import { apiGet } from '../lib/api.ts';

export interface Area {
  code: string;
  name: string;
  kecamatanCode: string;
  kecamatanName: string;
}

class Reference {
  kecamatan = $state.raw<{ code: string; name: string }[]>([]);
  kelurahan = $state.raw<Area[]>([]);
  error = $state(false);
  private loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.loading ??= Promise.all([apiGet<KecamatanSummary[]>('/api/kecamatan'), apiGet<KelurahanSummary[]>('/api/kelurahan')])
      .then(([kec, kel]) => {
        this.error = false;
        this.kecamatan = kec.map((k) => ({ code: k.code, name: k.name })).sort((a, b) => a.name.localeCompare(b.name, 'id'));
        this.kelurahan = kel
          .map((k) => ({ code: k.code, name: k.name, kecamatanCode: k.kecamatanCode, kecamatanName: k.kecamatanName }))
          .sort((a, b) => a.name.localeCompare(b.name, 'id'));
      })
      .catch(() => {
        // A later screen may try again.
        this.loading = null;
        this.error = true;
      });
    return this.loading;
  }

  kelurahanOf(kecamatanCode: string): Area[] {
    return kecamatanCode ? this.kelurahan.filter((k) => k.kecamatanCode === kecamatanCode) : this.kelurahan;
  }

  kelurahanName(code: string): string {
    return this.kelurahan.find((k) => k.code === code)?.name ?? code;
  }

  kecamatanName(code: string): string {
    return this.kecamatan.find((k) => k.code === code)?.name ?? code;
  }
}

export const reference = new Reference();
