/**
 * The name of the configured root (the city, a province, "Indonesia") for the screens' titles: the server's summary
 * names it once signed in; the sign-in page asks the public GET /api/root, and until it answers (or when offline)
 * shows the name remembered from the last session.
 */
import { publicGet } from './api.ts';

const STORE = 'sipantaumilu.rootName';

class RootName {
  value = $state(read());

  remember(name: string | undefined): void {
    if (!name || name === this.value) return;
    this.value = name;
    try {
      localStorage.setItem(STORE, name);
    } catch {
      // private mode: the title just waits for the next answer
    }
  }

  /** Asks the server (public, no sign-in); a failure keeps what is remembered. */
  async load(): Promise<void> {
    try {
      this.remember((await publicGet<{ name: string }>('/api/root')).name);
    } catch {
      // offline or an older server: the remembered name stays
    }
  }

  /** "Konsol Posko · Kota Lubuklinggau"; the bare prefix while no name is known. */
  title(prefix: string): string {
    return this.value ? `${prefix} · ${this.value}` : prefix;
  }
}

function read(): string {
  try {
    return localStorage.getItem(STORE) ?? '';
  } catch {
    return '';
  }
}

export const rootName = new RootName();
