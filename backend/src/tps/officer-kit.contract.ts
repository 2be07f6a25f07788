/**
 * What GET /api/officer/kit answers: everything the officers' app needs before its first report, kept on the phone for
 * offline use. Plain types only (imported by the dashboard too).
 */
export interface KitContact {
  name: string;
  phone: string;
  role: string;
}

export interface OfficerKit {
  tps: {
    id: string;
    number: number;
    special: boolean;
    kelurahan: { code: string; name: string };
    kecamatan: { code: string; name: string };
  };
  contest: { code: string; name: string; candidates: { number: string; name: string; short: string }[] };
  /** Emergency contacts per incident category (CONTACTS_FILE), the posko last in every list, as answered after a report. */
  contacts: Record<string, KitContact[]>;
}
