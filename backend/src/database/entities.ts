import type { MixedList } from 'typeorm';
import { readModelEntities } from '../projections/read-model.entities.js';
import { UserEntity } from '../auth/user.entity.js';

/** Every TypeORM entity (read models). */
export const entities: MixedList<Function> = [UserEntity, ...readModelEntities];
