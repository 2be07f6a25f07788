/**
 * The name of the configured root (the city, a province, "Indonesia") for the screens' titles: the server's summary
 * names it once signed in; the sign-in page, before any answer, shows the name remembered from the last session.
 */
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
