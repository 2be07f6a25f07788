import { io, type Socket } from 'socket.io-client';
import {
  comparePositionStrings,
  LIVE_NAMESPACE,
  LiveMessage,
  LiveRequest,
  type ClientToServer,
  type IncidentView,
  type ResumeAnswer,
  type ServerToClient,
  type Summary,
  type TpsView,
} from '../../../src/live/live.contract.js';

type LiveClient = Socket<ServerToClient, ClientToServer>;

/**
 * A wall screen reduced to its rules: keep the newest item per id by position, and after every (re)connect ask to
 * resume from the last position applied. Reconnects by itself, as the dashboard does.
 */
export class LiveMirror {
  readonly socket: LiveClient;
  position: string | null = null;
  summary: Summary | null = null;
  readonly tps = new Map<string, { at: string | null; view: TpsView }>();
  readonly incidents = new Map<string, { at: string | null; view: IncidentView }>();
  connects = 0;
  /**
   * True once this connection's resume answer is applied. Until then a broadcast carries only its own flush's items,
   * not everything up to its stamp, so it must not move the resume point: a kill before the answer would otherwise
   * make the next resume skip what was missed.
   */
  private synced = false;
  resumeErrors: string[] = [];

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {
    this.socket = io(url + LIVE_NAMESPACE, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    this.socket.on('connect', () => {
      this.connects++;
      this.synced = false;
      void this.resume();
    });
    this.socket.on(LiveMessage.SummaryUpdated, (m) => this.setSummary(m.position, m.data));
    this.socket.on(LiveMessage.TpsUpdated, (m) => this.setTps(m.position, m.data));
    this.socket.on(LiveMessage.IncidentReported, (m) => this.setIncident(m.position, m.data));
    this.socket.on(LiveMessage.IncidentResolved, (m) => this.setIncident(m.position, m.data));
  }

  close(): void {
    this.socket.disconnect();
  }

  private async resume(): Promise<void> {
    const a = (await this.socket
      .timeout(10_000)
      .emitWithAck(LiveRequest.Resume, { after: this.position })
      .catch((e: unknown) => ({
        error: String(e),
      }))) as ResumeAnswer | { error: string };
    // Cut off by the next kill: the next connect resumes again. Any other failure is the server's and counts.
    if ('error' in a && !this.socket.connected) return;
    if ('error' in a) {
      this.resumeErrors.push(a.error);
      return;
    }
    if (a.mode === 'snapshot') {
      this.tps.clear();
      this.incidents.clear();
    }
    this.synced = true;
    this.setSummary(a.position, a.summary);
    for (const t of a.tps) this.setTps(a.position, t);
    for (const i of a.incidents) this.setIncident(a.position, i);
    // A snapshot carries the first page of incidents; the rest come from the read API, as the cursor says.
    for (let cursor = a.incidentsNextCursor ?? null; cursor;) {
      const r = await fetch(`${this.url}/api/incidents?cursor=${cursor}`, { headers: { authorization: `Bearer ${this.token}` } });
      if (!r.ok) return void this.resumeErrors.push(`incidents page: ${r.status}`);
      for (const i of (await r.json()) as IncidentView[]) this.setIncident(a.position, i);
      cursor = r.headers.get('x-next-cursor');
    }
  }

  private bump(p: string | null): void {
    if (this.synced && comparePositionStrings(p, this.position) > 0) this.position = p;
  }
  private setSummary(p: string | null, s: Summary): void {
    if (this.summary && comparePositionStrings(p, this.summary.position) < 0) return;
    this.summary = { ...s, position: p };
    this.bump(p);
  }
  private setTps(p: string | null, t: TpsView): void {
    if (comparePositionStrings(p, this.tps.get(t.id)?.at ?? null) < 0) return;
    this.tps.set(t.id, { at: p, view: t });
    this.bump(p);
  }
  private setIncident(p: string | null, i: IncidentView): void {
    if (comparePositionStrings(p, this.incidents.get(i.incidentId)?.at ?? null) < 0) return;
    this.incidents.set(i.incidentId, { at: p, view: i });
    this.bump(p);
  }
}
