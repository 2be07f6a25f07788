/**
 * Paper forms against the online tally. The latest paper form is compared with the latest online tally now, not with
 * the comparison stored when the form was typed: a correction after the paper form can settle or open a difference.
 * Only the boxes every reading has are compared (diffForms 'core'), as the TPS flag does. Pure.
 */
import type { TpsDoc } from '../projections/tps-doc.js';
import { diffForms } from '../tps/tally-rules.js';
import type { PaperMismatchRow, PaperReconciliation } from './audit.contract.js';

export type { PaperMismatchRow, PaperReconciliation };

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
