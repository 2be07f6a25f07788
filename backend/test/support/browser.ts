/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: the DOM types describe it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';

/** The repository root: the directory holding the root package.json, two levels up from backend/test. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const ARTIFACTS_DIR = join(REPO_ROOT, 'backend', 'test-artifacts');

/** The public Lubuklinggau boundary file sits beside the repository, never inside it. */
/** The public boundary file (MIT, not in this repository): MAP_BOUNDARIES when set, else the workplace's shared copy. */
export const BOUNDARIES_FILE = process.env.MAP_BOUNDARIES ?? resolve(REPO_ROOT, '../shared/data/lubuklinggau-kelurahan.geojson');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM_PATH)) {
    return `no Chromium at ${CHROMIUM_PATH} (install Debian's: apt-get install -y chromium, or set CHROMIUM_PATH)`;
  }
  return null;
}

/** Headless, no sandbox, and no background traffic into the closed network: every launch in the suites uses these. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  context: BrowserContext;
  /** A new tab whose every wait is bounded (20 s) well inside jest's own limit, so a failure names what never appeared. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with a fresh profile and no background traffic into the closed network. Playwright
 * refuses `--user-data-dir` among the launch args, so the fresh profile goes through launchPersistentContext.
 */
export async function launchChromium(viewport = { width: 1920, height: 1080 }): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'sp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fills the sign-in form and submits it. */
export async function signIn(page: Page, nip: string, pin: string): Promise<void> {
  await page.locator('[data-testid="signin-nip"]').fill(nip);
  await page.locator('[data-testid="signin-pin"]').fill(pin);
  await page.locator('[data-testid="signin-submit"]').click();
}

/** Opens the sign-in page of `baseUrl`, signs in and waits for the posko's home screen. */
export async function signInToPosko(page: Page, baseUrl: string, nip: string, pin: string): Promise<void> {
  await page.goto(`${baseUrl}/masuk`);
  await signIn(page, nip, pin);
  await page.waitForURL(`${baseUrl}/`);
}

export async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.locator(`[data-testid="${testId}"]`).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits (bounded by the page's default timeout) until the element's whitespace-normalised text matches. */
export async function waitForText(page: Page, testId: string, expected: string | RegExp): Promise<void> {
  const want = {
    id: testId,
    text: typeof expected === 'string' ? expected : null,
    source: typeof expected === 'string' ? '' : expected.source,
  };
  try {
    await page.waitForFunction((w) => {
      const text = (document.querySelector(`[data-testid="${w.id}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
      return w.text !== null ? text === w.text : new RegExp(w.source).test(text);
    }, want);
  } catch (e) {
    throw new Error(
      `[data-testid=${testId}] never showed ${String(expected)}; it shows "${await textOf(page, testId)}" (${(e as Error).message.split('\n')[0]})`,
      { cause: e },
    );
  }
}

export async function waitForAttr(page: Page, testId: string, attr: string, value: string): Promise<void> {
  try {
    await page.locator(`[data-testid="${testId}"][${attr}="${value}"]`).first().waitFor({ state: 'attached' });
  } catch (e) {
    const now = await page
      .locator(`[data-testid="${testId}"]`)
      .first()
      .getAttribute(attr)
      .catch(() => null);
    throw new Error(
      `[data-testid=${testId}] never had ${attr}="${value}" (it has ${JSON.stringify(now)}): ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
}

/**
 * Cuts and restores the page's Socket.IO traffic, WebSocket and long-polling alike, as a broken network would; the
 * server keeps running. Install before the page opens its socket.
 */
export class SocketSwitch {
  private blocked = false;
  private open: WebSocketRoute[] = [];

  async install(page: Page): Promise<void> {
    const isSocketIo = (url: URL) => url.pathname.startsWith('/socket.io/');
    await page.routeWebSocket(isSocketIo, (ws) => {
      if (this.blocked) {
        void ws.close({ code: 4000, reason: 'cut by test' });
        return;
      }
      ws.connectToServer();
      this.open.push(ws);
    });
    await page.route(isSocketIo, (route) => (this.blocked ? route.abort('internetdisconnected') : route.continue()));
  }

  async cut(): Promise<void> {
    this.blocked = true;
    const open = this.open.splice(0);
    await Promise.all(open.map((ws) => ws.close({ code: 4000, reason: 'cut by test' }).catch(() => undefined)));
  }

  restore(): void {
    this.blocked = false;
  }
}

/**
 * `describe` for a Chromium suite: without a browser it runs one test that prints why the suite cannot run here (a
 * skip with its reason), so a machine without Chromium never passes the suite silently.
 */
export function describeInChromium(name: string, body: () => void): void {
  const unavailable = browserUnavailable();
  if (unavailable) {
    describe(name, () => {
      it('cannot run on this machine, and says why', () => {
        console.log(`${name}: not run: ${unavailable}`);
        expect(unavailable).toContain('Chromium');
      });
    });
  } else describe(`${name} (playwright-core)`, body);
}
