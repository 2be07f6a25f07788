import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { DomainError } from '../http/domain-error.js';
import { CONTACTS, CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import { contactsByCategory, type Contacts, type Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { OfficerKit } from './officer-kit.contract.js';

@ApiTags('officers')
@Controller('officer')
export class OfficerKitController {
  constructor(
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(CONTACTS) private readonly contacts: Contacts,
  ) {}

  @Get('kit')
  @Roles('officer')
  @ApiRoute({
    summary: "The signed-in officer's TPS with its area names, the default contest's candidates and the emergency contacts per category",
    errors: { 401: ['AUTH.UNAUTHENTICATED'], 403: ['AUTH.FORBIDDEN'] },
  })
  kit(@CurrentPrincipal() p: Principal): OfficerKit {
    const tps = p.tpsId ? this.ref.tpsById.get(p.tpsId) : undefined;
    if (!tps) throw new DomainError('TPS.NOT_FOUND', 404, 'This officer has no TPS in the reference data');
    const kel = this.ref.kelurahanByCode.get(tps.kelurahanCode)!;
    const kec = this.ref.kecamatan.find((k) => k.code === tps.kecamatanCode)!;
    const contest = this.contests.byCode.get(this.contests.defaultCode)!;
    const contacts = contactsByCategory(this.contacts);
    return {
      tps: {
        id: tps.id,
        number: tps.number,
        special: tps.special,
        kelurahan: { code: kel.code, name: kel.name },
        kecamatan: { code: kec.code, name: kec.name },
      },
      contest: { code: contest.code, name: contest.name, candidates: contest.candidates },
      contacts,
    };
  }
}
