import type { MixedList } from 'typeorm';
import { Projections1700000000005 } from './1700000000005-projections.js';
import { EventStore1700000000001 } from './1700000000001-event-store.js';
import { Users1700000000002 } from './1700000000002-users.js';
import { Audit1700000000007 } from './1700000000007-audit.js';
import { SignInHardening1700000000010 } from './1700000000010-sign-in-hardening.js';
import { IncidentsServerTime1700000000020 } from './1700000000020-incidents-server-time.js';
import { ReserveOfficers1700000000080 } from './1700000000080-reserve-officers.js';
import { Messages1700000000081 } from './1700000000081-messages.js';
import { Verification1700000000100 } from './1700000000100-verification.js';
import { KelurahanPhotos1700000000110 } from './1700000000110-kelurahan-photos.js';
import { AreaTotals1700000000120 } from './1700000000120-area-totals.js';
import { AuditCheckpoints1700000000040 } from './1700000000040-audit-checkpoints.js';
import { EventStoreGroupCommit1700000000090 } from './1700000000090-event-store-group-commit.js';

/** Every migration, in order. A new one is added here and runs at the next boot. */
export const migrations: MixedList<Function> = [
  EventStore1700000000001,
  Users1700000000002,
  Projections1700000000005,
  Audit1700000000007,
  SignInHardening1700000000010,
  IncidentsServerTime1700000000020,
  ReserveOfficers1700000000080,
  Messages1700000000081,
  AuditCheckpoints1700000000040,
  EventStoreGroupCommit1700000000090,
  Verification1700000000100,
  KelurahanPhotos1700000000110,
  AreaTotals1700000000120,
];
