/** The roll-call payloads, as the backend declares them (backend/src/rollcall/rollcall.contract.ts). */
export type { Monitor, RollCall, RollCallRow, TpsMonitor } from '../../../backend/src/rollcall/rollcall.contract.ts';
