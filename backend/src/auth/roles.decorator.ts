import { SetMetadata } from '@nestjs/common';
import type { Role } from './principal.js';

export const ROLES_KEY = 'sp:roles';
export const PUBLIC_KEY = 'sp:public';

/** Only these roles may call the route (default: any signed-in role). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No token needed (sign-in, health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
