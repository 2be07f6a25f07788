import type { TallyForm } from '../../../../backend/src/tps/tps.events.ts';

/** The boxes of the C.Hasil form in the order printed on it; each `path` is the API field path and the input's name. */
export interface Box {
  path: string;
  code: string;
  label: string;
}
export interface Section {
  id: string;
  title: string;
  boxes: Box[];
}

export function sections(candidates: { number: string; short: string }[]): Section[] {
  return [
    {
      id: 'pemilih',
      title: 'I. Data pemilih',
      boxes: [
        { path: 'voters.dpt', code: 'A.1', label: 'Jumlah pemilih dalam DPT' },
        { path: 'voters.fromDpt', code: 'B.1', label: 'Pengguna hak pilih dari DPT' },
        { path: 'voters.fromDptb', code: 'B.2', label: 'Pengguna hak pilih dari DPTb' },
        { path: 'voters.fromDpk', code: 'B.3', label: 'Pengguna hak pilih dari DPK' },
      ],
    },
    {
      id: 'surat',
      title: 'II. Surat suara',
      boxes: [
        { path: 'ballots.received', code: 'II.1', label: 'Surat suara diterima (termasuk cadangan 2%)' },
        { path: 'ballots.used', code: 'II.2', label: 'Surat suara digunakan' },
        { path: 'ballots.spoiled', code: 'II.3', label: 'Surat suara rusak/keliru coblos' },
        { path: 'ballots.unused', code: 'II.4', label: 'Surat suara tidak digunakan' },
      ],
    },
    {
      id: 'disabilitas',
      title: 'III. Pemilih disabilitas',
      boxes: [{ path: 'disabledVoters', code: 'III', label: 'Pemilih disabilitas yang menggunakan hak pilih' }],
    },
    {
      id: 'suara',
      title: 'IV. Suara sah per pasangan calon',
      boxes: candidates.map((c) => ({ path: `votes.${c.number}`, code: c.number, label: c.short })),
    },
    { id: 'jumlah', title: 'V. Jumlah suara', boxes: [{ path: 'invalid', code: 'V.B', label: 'Suara tidak sah' }] },
  ];
}

export type Values = Record<string, string>;

export const allPaths = (secs: Section[]): string[] => secs.flatMap((s) => s.boxes.map((b) => b.path));

/** A box holds 0..999 (digits only); empty is "not typed yet". */
export const boxValue = (v: string | undefined): number | null => (v !== undefined && /^\d{1,3}$/.test(v) ? Number(v) : null);

/** The form as the API wants it; boxes not typed yet count 0 (rules that involve them are not judged yet). */
export function toForm(values: Values, secs: Section[]): TallyForm {
  const n = (p: string) => boxValue(values[p]) ?? 0;
  const votes: Record<string, number> = {};
  for (const b of secs.find((s) => s.id === 'suara')!.boxes) votes[b.path.slice(6)] = n(b.path);
  return {
    votes,
    invalid: n('invalid'),
    voters: { dpt: n('voters.dpt'), fromDpt: n('voters.fromDpt'), fromDptb: n('voters.fromDptb'), fromDpk: n('voters.fromDpk') },
    ballots: { received: n('ballots.received'), used: n('ballots.used'), spoiled: n('ballots.spoiled'), unused: n('ballots.unused') },
    disabledVoters: n('disabledVoters'),
  };
}

/** Box values from a form (to start a correction from the current numbers). */
export function fromForm(f: TallyForm): Values {
  const out: Values = {
    invalid: String(f.invalid),
    'voters.dpt': String(f.voters.dpt),
    'voters.fromDpt': String(f.voters.fromDpt),
    'voters.fromDptb': String(f.voters.fromDptb),
    'voters.fromDpk': String(f.voters.fromDpk),
    'ballots.received': String(f.ballots.received),
    'ballots.used': String(f.ballots.used),
    'ballots.spoiled': String(f.ballots.spoiled),
    'ballots.unused': String(f.ballots.unused),
  };
  if (f.disabledVoters !== undefined) out.disabledVoters = String(f.disabledVoters);
  for (const [k, v] of Object.entries(f.votes)) out[`votes.${k}`] = String(v);
  return out;
}

/** Told the tally's current revision after a stale answer was read again. */
export type RevisionSink = (revision: number) => void;
