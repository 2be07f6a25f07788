import { followArea, type WallScope } from '../lib/socket.ts';
import type { AreaView } from './area-types.ts';

let shown = 0;

/**
 * A drill-down screen is up: the socket follows its area. When the last one goes (and no next level replaced it
 * in the same turn), the socket follows the whole city again for the other screens.
 */
export function holdFollow(): () => void {
  shown++;
  return () => {
    shown--;
    setTimeout(() => {
      if (shown === 0) followArea({ level: 'city' });
    }, 0);
  };
}

/**
 * The live scope of a shown area: the city when it is a kabupaten/kota root (everything, as the city's wall always
 * had), else the area itself (a TPS follows its kelurahan).
 */
export function scopeOf(view: AreaView): WallScope {
  const { level, code } = view.area;
  if (view.parents.length === 0 && level === 'kabupaten') return { level: 'city' };
  return level === 'nation' ? { level, code: '' } : { level, code };
}

export { followArea };
