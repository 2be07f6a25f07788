import { SEVERITIES, type DeadlinePolicy, type Severity } from './incidents.contract.js';

export const DEFAULT_INCIDENT_DEADLINES = 'critical=5/30,high=15/60,medium=30/240,low=60/720';
export const DEFAULT_ESCALATION_PARTIES = 'police,fire,ambulance,kpu,bawaslu,forkompimda';

/**
 * `critical=5/30,high=15/60,...`: minutes to acknowledge / to resolve per severity, every severity once.
 * Returns the policy or the problem in words (the config schema turns it into a boot error naming the variable).
 */
export function parseDeadlines(text: string): DeadlinePolicy | string {
  const out: Partial<DeadlinePolicy> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(low|medium|high|critical)=(\d{1,4})\/(\d{1,5})$/.exec(part);
    if (!m) return `"${part}" is not severity=ackMinutes/resolveMinutes`;
    const [ack, resolve] = [Number(m[2]), Number(m[3])];
    if (ack < 1 || resolve < ack) return `${m[1]}: minutes must be at least 1 and resolve at least acknowledge`;
    out[m[1] as Severity] = { ackMinutes: ack, resolveMinutes: resolve };
  }
  const missing = SEVERITIES.filter((s) => !out[s]);
  return missing.length ? `missing ${missing.join(', ')}` : (out as DeadlinePolicy);
}

/** `police,fire,...`: lower-case codes of the outside parties an incident can be escalated to. */
export function parseParties(text: string): string[] | string {
  const codes = text.split(',').map((c) => c.trim());
  const bad = codes.find((c) => !/^[a-z][a-z0-9_]{1,31}$/.test(c));
  if (bad !== undefined) return `"${bad}" is not a code (a-z, 0-9, _; 2-32 characters)`;
  return [...new Set(codes)];
}
