/**
 * Paper forms against the online tally. The latest paper form is compared with the latest online tally now, not with
 * the comparison stored when the form was typed: a correction after the paper form can settle or open a difference.
 * Only the boxes every reading has are compared (diffForms 'core'), as the TPS flag does. Pure.
 */
import type { TpsDoc } from '../projections/tps-doc.js';
import { diffForms } from '../tps/tally-rules.js';

export interface PaperMismatchRow {
  tpsId: string;
  kelurahanCode: string;
  kecamatanCode: string;
  contest: string;
  onlineRevision: number;
  fields: { path: string; online: number | null; paper: number | null }[];
}

export interface PaperReconciliation {
  contest: string;
  /** Paper form and online tally disagree, field by field. */
  mismatched: PaperMismatchRow[];
  /** TPS without a paper form for this contest yet (whether or not they reported online). */
  missing: string[];
  /** Of `missing`, the TPS that did report online: the ones the posko should chase first. */
  missingReported: string[];
  /** A paper form but no online tally: nothing to compare with yet. */
  paperOnly: string[];
}

/** `tps`: every TPS in scope, in order, with its projected doc when it has one. */
export function reconcilePaperForms(tps: { id: string; doc: TpsDoc | null }[], contest: string): PaperReconciliation {
  const out: PaperReconciliation = { contest, mismatched: [], missing: [], missingReported: [], paperOnly: [] };
  for (const { id, doc } of tps) {
    const paper = doc?.paper[contest];
    const online = doc?.tallies[contest];
    if (!paper) {
      out.missing.push(id);
      if (online) out.missingReported.push(id);
    } else if (!online) out.paperOnly.push(id);
    else {
      const fields = diffForms(online.form, paper.form, 'core').map((d) => ({ path: d.path, online: d.before, paper: d.after }));
      if (fields.length > 0) {
        out.mismatched.push({
          tpsId: id,
          kelurahanCode: doc.kelurahanCode,
          kecamatanCode: doc.kecamatanCode,
          contest,
          onlineRevision: online.revision,
          fields,
        });
      }
    }
  }
  return out;
}
