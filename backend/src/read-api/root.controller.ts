import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';

/** The configured root (the city, a province or the nation), for the sign-in page's title before anyone has signed in. */
export interface RootArea {
  level: ReferenceData['root']['level'];
  code: string;
  name: string;
}

/**
 * `GET /api/root`, public: it names only the area being watched (what KPU's own public lists name), nothing counted and
 * nothing about users, so the sign-in page can say which posko it belongs to before anyone has signed in.
 */
@ApiTags('areas')
@Controller('root')
export class RootController {
  constructor(@Inject(REFERENCE_DATA) private readonly ref: ReferenceData) {}

  @Get()
  @Public()
  @ApiRoute({ summary: 'The configured root area { level, code, name } (the sign-in page names it); no sign-in', public: true })
  root(): RootArea {
    const { level, code, name } = this.ref.root;
    return { level, code, name };
  }
}
