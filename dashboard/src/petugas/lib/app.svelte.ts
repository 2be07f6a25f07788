import type { TallyForm } from '../../../../backend/src/tps/tps.events.ts';
import { request } from './http.ts';
import { Inbox } from './inbox.svelte.ts';
import { emptyProgress, forgetLocal, keepKit, keepProgress, readKit, readProgress, type OfficerKit, type Progress } from './local.ts';
import { Outbox } from './outbox.ts';
import { newKey, type OutboxEntry, type ReportKind } from './outbox-core.ts';
import { OutboxStore } from './outbox-store.ts';
import { forgetSession, keepFresh, readSession, type Session } from './session.ts';

export type Screen = 'home' | 'check-in' | 'tally' | 'correction' | 'incident' | 'photo' | 'messages';
const SCREENS: Record<string, Screen> = {
  '': 'home',
  hadir: 'check-in',
  hasil: 'tally',
  koreksi: 'correction',
  insiden: 'incident',
  foto: 'photo',
  pesan: 'messages',
};
const HASH: Record<Screen, string> = {
  home: '',
  'check-in': 'hadir',
  tally: 'hasil',
  correction: 'koreksi',
  incident: 'insiden',
  photo: 'foto',
  messages: 'pesan',
};

const randomId = (): string =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Fields of a tally or correction body that are not numbers of the form. */
const NOT_FORM = new Set(['expectedRevision', 'reason', 'acknowledgeWarnings', 'observedAt']);

interface TpsViewLite {
  checkedInAt: string | null;
  tallies: { contest: string; revision: number; submittedAt: string; votes: Record<string, number>; invalid: number }[];
}

/** The app's state: session, kit, what is done, the outbox. One instance for the page. */
class PetugasApp {
  session = $state<Session | null>(readSession());
  kit = $state<OfficerKit | null>(null);
  progress = $state<Progress>(emptyProgress());
  entries = $state<OutboxEntry[]>([]);
  online = $state(navigator.onLine);
  screen = $state<Screen>('home');
  /** A refused report the monitor chose to fix: the form opens with its numbers. */
  fixing = $state<OutboxEntry | null>(null);
  /** Contacts of the last incident the monitor made (shown until they leave the screen). */
  kitError = $state<string | null>(null);
  /** The posko's messages to this TPS (live, kept on the phone). */
  readonly inbox = new Inbox();
  private outbox: Outbox | null = null;

  /** This officer's reports (another officer's, made on this phone before, wait for their own sign-in). */
  get waiting(): OutboxEntry[] {
    return this.entries.filter((e) => e.status === 'waiting' && e.tpsId === this.session?.tpsId);
  }
  get rejected(): OutboxEntry[] {
    return this.entries.filter((e) => e.status === 'rejected' && e.tpsId === this.session?.tpsId);
  }

  async start(): Promise<void> {
    window.addEventListener('online', () => (this.online = true));
    window.addEventListener('offline', () => (this.online = false));
    window.addEventListener('hashchange', () => this.readHash());
    this.readHash();
    const store = await OutboxStore.open();
    this.outbox = new Outbox({
      store,
      token: () => this.session?.token ?? null,
      tpsId: () => this.session?.tpsId ?? null,
      onUnauthorized: () => this.signOut(false),
      onSent: (e, answer) => this.sent(e, answer),
      onChange: (entries) => (this.entries = entries),
      // A refusal may mean the server knows more than the phone (a tally from elsewhere): read the TPS again.
      onRejected: () => void this.refresh(),
      freshKey: (e) => newKey(e.tpsId, e.kind, randomId),
    });
    if (this.session) this.signedIn(this.session);
    await this.outbox.start();
  }

  private readHash(): void {
    this.screen = SCREENS[location.hash.replace(/^#\/?/, '')] ?? 'home';
  }

  go(screen: Screen): void {
    if (screen !== 'tally' && screen !== 'correction') this.fixing = null;
    const hash = HASH[screen] ? `#/${HASH[screen]}` : '';
    if (location.hash !== hash) history.pushState(null, '', `${location.pathname}${hash}`);
    this.screen = screen;
    scrollTo(0, 0);
  }

  /** After sign-in or on start with a kept session: kit and progress from the phone, then fresh from the server. */
  signedIn(s: Session): void {
    this.session = s;
    this.kit = readKit(s.tpsId);
    this.progress = readProgress(s.tpsId);
    keepFresh(
      (fresh) => (this.session = fresh),
      () => this.signOut(false),
    );
    void this.refresh();
    void this.outbox?.pump();
    this.inbox.start(s.tpsId, () => this.session?.token ?? null);
  }

  /** Reads the kit and the TPS view when the network allows; the phone's copies serve when it does not. */
  async refresh(): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      const kit = await request('GET', '/api/officer/kit', { token: s.token });
      if (kit.status === 200) {
        this.kit = kit.body as unknown as OfficerKit;
        keepKit(this.kit);
        this.kitError = null;
      } else if (kit.status === 401) return this.signOut(false);
      const view = await request('GET', `/api/tps/${s.tpsId}`, { token: s.token });
      if (view.status === 200) this.merge(view.body as unknown as TpsViewLite);
    } catch {
      if (!this.kit) this.kitError = 'NETWORK';
    }
  }

  private merge(v: TpsViewLite): void {
    const p = { ...this.progress };
    if (v.checkedInAt) p.checkedInAt = v.checkedInAt;
    const t = v.tallies.find((x) => x.contest === (this.kit?.contest.code ?? 'PPWP'));
    if (t && (!p.tally || p.tally.revision < t.revision))
      p.tally = { revision: t.revision, form: null, votes: t.votes, invalid: t.invalid, submittedAt: t.submittedAt };
    this.saveProgress(p);
  }

  private saveProgress(p: Progress): void {
    this.progress = p;
    if (this.session) keepProgress(this.session.tpsId, p);
  }

  private sent(e: OutboxEntry, answer: Record<string, unknown>): void {
    const p = { ...this.progress, photos: [...this.progress.photos] };
    const body = e.body as Record<string, unknown>;
    if (e.kind === 'check-in') p.checkedInAt = String(answer.checkedInAt ?? body.at ?? new Date().toISOString());
    if (e.kind === 'tally' || e.kind === 'correction') {
      const form = Object.fromEntries(Object.entries(body).filter(([k]) => !NOT_FORM.has(k)));
      const f = form as unknown as TallyForm;
      p.tally = { revision: Number(answer.revision), form: f, votes: f.votes, invalid: f.invalid, submittedAt: new Date().toISOString() };
      if (e.kind === 'correction') p.corrections += 1;
    }
    if (e.kind === 'incident') p.incidents += 1;
    if (e.kind === 'photo') {
      const page = Number(new URL(e.path, location.origin).searchParams.get('page'));
      if (!p.photos.includes(page)) p.photos.push(page);
    }
    this.saveProgress(p);
  }

  /** Puts a report in the outbox (write first) and returns at once; sending happens in the background. */
  async report(kind: ReportKind, path: string, body: unknown, key: string, contentType = 'application/json'): Promise<void> {
    const t = this.progress.tally;
    const basedOn = kind === 'correction' && t ? { revision: t.revision, votes: { ...t.votes }, invalid: t.invalid } : null;
    const s = this.session;
    if (!s || !this.outbox) return;
    if (this.fixing) await this.outbox.discard(this.fixing.key);
    this.fixing = null;
    // Plain data only: IndexedDB cannot clone the screens' reactive proxies.
    const plain = body instanceof Blob ? body : (JSON.parse(JSON.stringify(body)) as unknown);
    await this.outbox.add({ key, tpsId: s.tpsId, kind, method: 'POST', path, body: plain, contentType, basedOn });
  }

  newKey(kind: ReportKind): string {
    return newKey(this.session?.tpsId ?? 'tps', kind, randomId);
  }

  discard(key: string): Promise<void> {
    return this.outbox?.discard(key) ?? Promise.resolve();
  }

  fix(e: OutboxEntry): void {
    this.fixing = e;
    this.go(e.kind === 'correction' || e.lastError?.code === 'TALLY.ALREADY_SUBMITTED' ? 'correction' : 'tally');
  }

  /** Sign-out forgets the session; reports not yet sent stay in the outbox for the next sign-in at this TPS. */
  signOut(byMonitor = true): void {
    forgetSession();
    if (byMonitor) {
      forgetLocal();
      this.inbox.forget();
    } else this.inbox.stop();
    this.session = null;
    this.kit = null;
    this.progress = emptyProgress();
    this.go('home');
  }
}

export const app = new PetugasApp();
