import { checkRules } from '$tally-rules';
import type { RuleViolation } from '../../../../backend/src/tps/tps.events.ts';
import { allPaths, boxValue, toForm, type Section, type Values } from './form-fields.ts';

/** A broken rule as the monitor sees it: in Indonesian, with the boxes it involves. */
export interface Problem {
  rule: number;
  code: string;
  text: string;
  paths: string[];
}

const VOTERS = ['voters.fromDpt', 'voters.fromDptb', 'voters.fromDpk'];

/**
 * The boxes each rule of the server's module involves, and its words for the monitor. The rule itself is decided
 * only by `checkRules` (backend/src/tps/tally-rules.ts, the module the server runs); this is its presentation.
 */
function describe(v: RuleViolation, votePaths: string[]): Omit<Problem, 'rule' | 'code'> {
  const x = v.values;
  switch (v.code) {
    case 'FROM_DPT_ABOVE_DPT':
      return { paths: ['voters.fromDpt', 'voters.dpt'], text: `B.1 (${x.fromDpt}) tidak boleh lebih dari DPT A.1 (${x.dpt}).` };
    case 'BALLOTS_BALANCE':
      return {
        paths: ['ballots.received', 'ballots.used', 'ballots.spoiled', 'ballots.unused'],
        text: `Surat suara diterima (${x.received}) harus sama dengan digunakan + rusak + tidak digunakan (${x.used} + ${x.spoiled} + ${x.unused} = ${x.used + x.spoiled + x.unused}).`,
      };
    case 'BALLOTS_RECEIVED':
      return {
        paths: ['ballots.received', 'voters.dpt'],
        text: `Surat suara diterima (${x.received}) seharusnya DPT + 2% cadangan = ${x.expected}.`,
      };
    case 'BALLOTS_USED':
      return {
        paths: ['ballots.used', ...VOTERS],
        text: `Surat suara digunakan (${x.used}) harus sama dengan jumlah pengguna hak pilih B.1 + B.2 + B.3 (${x.voters}).`,
      };
    case 'VOTES_VS_VOTERS':
      return {
        paths: [...votePaths, 'invalid', ...VOTERS],
        text: `Jumlah suara sah + tidak sah (${x.grandTotal}) harus sama dengan jumlah pengguna hak pilih (${x.voters}).`,
      };
    case 'DISABLED_ABOVE_VOTERS':
      return {
        paths: ['disabledVoters', ...VOTERS],
        text: `Pemilih disabilitas (${x.disabledVoters}) tidak boleh lebih dari jumlah pengguna hak pilih (${x.voters}).`,
      };
    case 'VOTERS_ABOVE_CAP':
      return { paths: VOTERS, text: `Jumlah pengguna hak pilih (${x.voters}) melebihi batas ${x.cap} untuk TPS biasa.` };
    default:
      return { paths: [], text: `Aturan formulir nomor ${v.rule} tidak terpenuhi.` };
  }
}

/**
 * The rules broken by what is typed so far: a rule is judged once every box it involves holds a number, so the
 * monitor sees a typo while typing, not a wall of red before the boxes are filled.
 */
export function problemsOf(values: Values, secs: Section[], special: boolean): Problem[] {
  const votePaths = allPaths(secs).filter((p) => p.startsWith('votes.'));
  return checkRules(toForm(values, secs), { special })
    .map((v) => ({ rule: v.rule, code: v.code, ...describe(v, votePaths) }))
    .filter((p) => p.paths.every((path) => boxValue(values[path]) !== null));
}

/** The server's 422 answer in the same words. */
export function problemsFromServer(rules: RuleViolation[], secs: Section[]): Problem[] {
  const votePaths = allPaths(secs).filter((p) => p.startsWith('votes.'));
  return rules.map((v) => ({ rule: v.rule, code: v.code, ...describe(v, votePaths) }));
}

/** Where a problem is shown: after the last section holding one of its boxes (form order). */
export function sectionOf(p: Problem, secs: Section[]): string {
  let at = secs[secs.length - 1].id;
  for (const s of secs) if (s.boxes.some((b) => p.paths.includes(b.path))) at = s.id;
  return at;
}
