/** Path-based routes; the backend answers index.html for every one of them. */
export type Route = { name: 'wall' } | { name: 'kelurahan'; code: string } | { name: 'signin' } | { name: 'notfound' };

export function match(path: string): Route {
  if (path === '/' || path === '') return { name: 'wall' };
  if (path === '/masuk') return { name: 'signin' };
  const kel = /^\/kelurahan\/(\d{10})\/?$/.exec(path);
  if (kel) return { name: 'kelurahan', code: kel[1] };
  return { name: 'notfound' };
}

class Router {
  path = $state(location.pathname);
  route = $derived(match(this.path));

  constructor() {
    addEventListener('popstate', () => (this.path = location.pathname));
  }

  navigate(path: string, opts: { replace?: boolean } = {}): void {
    if (path === location.pathname + location.search) return;
    if (opts.replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.path = location.pathname;
  }
}

export const router = new Router();
