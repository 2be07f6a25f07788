/** Incidents as monitors report them: categories weighted by how often each happens, text in Bahasa Indonesia. */
import type { Rng } from './prng.js';

type Severity = 'low' | 'medium' | 'high' | 'critical';

const KINDS: readonly (readonly [{ category: string; severity: readonly Severity[]; texts: readonly string[] }, number])[] = [
  [
    {
      category: 'logistics',
      severity: ['low', 'medium'],
      texts: ['Surat suara kurang 10 lembar', 'Kotak suara datang terlambat', 'Tinta tidak tersedia'],
    },
    30,
  ],
  [
    {
      category: 'procedure',
      severity: ['low', 'medium'],
      texts: ['KPPS membuka TPS terlambat', 'Saksi tidak diberi salinan C.Hasil', 'Pemilih tanpa undangan ditolak'],
    },
    25,
  ],
  [
    { category: 'medical', severity: ['medium', 'high'], texts: ['Anggota KPPS pingsan karena kelelahan', 'Pemilih lansia sesak napas'] },
    12,
  ],
  [
    {
      category: 'vote_buying',
      severity: ['medium', 'high'],
      texts: ['Dugaan pembagian uang di dekat TPS', 'Laporan serangan fajar dari warga'],
    },
    10,
  ],
  [
    {
      category: 'security',
      severity: ['medium', 'high', 'critical'],
      texts: ['Keributan antar pendukung di luar TPS', 'Orang tak dikenal merekam bilik suara'],
    },
    8,
  ],
  [{ category: 'disaster', severity: ['medium', 'high'], texts: ['Hujan deras, TPS tergenang air', 'Pohon tumbang di depan TPS'] }, 7],
  [{ category: 'fire', severity: ['high', 'critical'], texts: ['Korsleting listrik di tenda TPS'] }, 2],
  [{ category: 'other', severity: ['low'], texts: ['Listrik padam, penerangan terbatas', 'Antrean panjang pemilih'] }, 6],
];

export function incidentFor(rng: Rng): { category: string; severity: Severity; description: string } {
  const kind = rng.weighted(KINDS);
  return { category: kind.category, severity: rng.pick(kind.severity), description: rng.pick(kind.texts) };
}
