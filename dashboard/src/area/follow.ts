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
 * The live scope of a shown area: the city at the root (the server's root room is the city's: everything, as the
 * city's wall always had), else the area itself, whose room gets its and its children's changes.
 */
export function scopeOf(view: AreaView): WallScope {
  const { level, code } = view.area;
  return view.parents.length === 0 || level === 'nation' ? { level: 'city' } : { level, code };
}

/** The configured root is one kabupaten/kota (the city): its whole picture is small enough for every screen. */
export const rootIsKabupaten = (view: AreaView): boolean => (view.parents[0] ?? view.area).level === 'kabupaten';

export { followArea };
