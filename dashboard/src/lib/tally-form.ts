import type { TallyForm } from '../../../backend/src/tps/tps.events.ts';

/**
 * What TallyForm.svelte hands to its screen: the body of a tally as the API takes it (without contest and the
 * screen's extras), and `acknowledgeWarnings` when the typist confirmed numbers that break a rule.
 */
export type TallyFormValue = TallyForm & { acknowledgeWarnings?: true };

export type OnTally = (form: TallyFormValue) => void;
