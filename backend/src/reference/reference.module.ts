import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { loadContacts, loadContests } from './contests.js';
import { loadReferenceData } from './reference-data.js';

export const REFERENCE_DATA = Symbol('REFERENCE_DATA');
export const CONTESTS = Symbol('CONTESTS');
export const CONTACTS = Symbol('CONTACTS');

/** Reference data loaded once at boot: areas and TPS of the city, contests, emergency contacts. */
@Global()
@Module({
  providers: [
    { provide: REFERENCE_DATA, inject: [APP_CONFIG], useFactory: (c: RuntimeConfig) => loadReferenceData(c.REFERENCE_FILE) },
    { provide: CONTESTS, inject: [APP_CONFIG], useFactory: (c: RuntimeConfig) => loadContests(c.CONTESTS_FILE) },
    { provide: CONTACTS, inject: [APP_CONFIG], useFactory: (c: RuntimeConfig) => loadContacts(c.CONTACTS_FILE) },
  ],
  exports: [REFERENCE_DATA, CONTESTS, CONTACTS],
})
export class ReferenceModule {}
