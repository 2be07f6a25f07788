/** The numbers TallyForm.svelte hands to its screen (the body of a tally, without contest and extras). */
export interface TallyFormValue {
  votes: Record<string, number>;
  invalid: number;
  voters: { dpt: number; fromDpt: number; fromDptb: number; fromDpk: number };
  ballots: { received: number; used: number; spoiled: number; unused: number };
}

export type OnTally = (form: TallyFormValue) => void;
