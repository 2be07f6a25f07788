import { router } from '../lib/router.svelte.ts';

/** onclick for an in-app link: a plain click navigates in place; ctrl/cmd/shift/middle click keep the browser's own behaviour. */
export function go(path: string): (e: MouseEvent) => void {
  return (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    router.navigate(path);
  };
}

export const tpsPath = (tpsId: string): string => `/audit/tps/${tpsId}`;
