import type { MixedList } from 'typeorm';

/** Every TypeORM entity (read models). */
export const entities: MixedList<Function> = [];
