export const ROLES = ['officer', 'operator', 'supervisor', 'auditor', 'admin', 'display'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in caller, from a verified token. */
export interface Principal {
  /** NIP of an officer, or the user name. */
  sub: string;
  role: Role;
  /** The one TPS an officer reports for. */
  tpsId?: string;
  /** When the PIN or password was last checked (epoch seconds): refreshes carry it, so a session cannot live forever. */
  signedInAt?: number;
  /** The user's token version when the token was signed (0 when absent): a PIN, role or TPS change moves it. */
  tokenVersion?: number;
  /** The token's `exp` (epoch seconds), on verified principals. */
  expiresAt?: number;
}
