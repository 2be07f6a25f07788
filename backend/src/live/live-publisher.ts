import { submitToScreen } from '../metrics/metrics.js';
import type { Namespace } from 'socket.io';
import type { ProjectionChange, ReadModels } from '../projections/read-models.port.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { comparePositionStrings, LiveMessage, type ClientToServer, type ServerToClient } from './live.contract.js';
import { publicTpsView } from '../read-api/visibility.js';
import { areaIndexOf } from '../projections/area-index.js';
import { CITY_ROOM, DETAIL_SUFFIX, roomsOfAreaUpdate, roomsOfKelurahan, roomsOfKelurahanRows } from './rooms.js';

/** Rooms and their detail twins: for messages both audiences get alike. */
const both = (rooms: string[]) => [...rooms, ...rooms.map((r) => r + DETAIL_SUFFIX)];

export type LiveNamespace = Namespace<ClientToServer, ServerToClient>;

/**
 * Loads what a (coalesced) change touched and emits it to the rooms that follow it. Every message of one flush carries
 * the same stamp: the position all projections had reached before the items were read, never lower than the previous
 * flush's. Data read later can only be newer, so a client that keeps per item the highest stamp it applied never goes
 * backwards, and a resume from its highest stamp misses nothing.
 */
export class LivePublisher {
  private lastStamp: string | null = null;

  constructor(
    private readonly ns: LiveNamespace,
    private readonly rm: ReadModels,
    private readonly ref: ReferenceData,
  ) {}

  /** One flush: 1. read the stamp, 2. take the pending change, 3. load the items, 4. emit. */
  async flush(take: () => ProjectionChange | null): Promise<void> {
    const read = await this.rm.position();
    const change = take();
    if (!change) return;
    // The change's own position is only a fallback: before every projection has committed once it may overstate.
    const stamp = (comparePositionStrings(read, this.lastStamp) >= 0 ? read : this.lastStamp) ?? change.position;
    this.lastStamp = stamp;

    const kelCodes = new Set(change.kelurahanCodes);
    for (const id of change.tpsIds) {
      const k = this.ref.tpsById.get(id)?.kelurahanCode;
      if (k) kelCodes.add(k);
    }
    // Every area whose numbers a changed kelurahan moves: the kelurahan and the areas above it up to the root.
    const index = areaIndexOf(this.ref);
    const areaCodes = new Set([...kelCodes].flatMap((k) => index.selfAndAncestors(k)));
    const [summary, tps, kelurahan, areas, incidents, coverage] = await Promise.all([
      this.rm.summary(),
      change.tpsIds.length ? this.rm.tpsMany(change.tpsIds) : [],
      // Only the changed kelurahan are read (83,000 at national size, a handful per flush).
      kelCodes.size ? this.rm.kelurahanSummaries([...kelCodes]) : [],
      areaCodes.size ? this.rm.areaNodes([...areaCodes]) : [],
      change.incidentIds.length ? this.rm.incidents({ ids: change.incidentIds }) : [],
      change.coverageChanged ? this.rm.coverageUpdate([...kelCodes]) : null,
    ]);

    // Officer NIPs and exact GPS only to the rooms' detail twins (operators, auditors); the others get the public view.
    for (const t of tps) {
      const rooms = roomsOfKelurahanRows(this.ref, t.kelurahanCode);
      this.ns.to(rooms.map((r) => r + DETAIL_SUFFIX)).emit(LiveMessage.TpsUpdated, { position: stamp, data: t });
      this.ns.to(rooms).emit(LiveMessage.TpsUpdated, { position: stamp, data: publicTpsView(t) });
    }
    for (const k of kelurahan)
      this.ns.to(both(roomsOfKelurahanRows(this.ref, k.code))).emit(LiveMessage.KelurahanUpdated, { position: stamp, data: k });
    // Each area to its own room and its parent's: a screen following X gets X's and its children's numbers only.
    for (const a of areas)
      this.ns.to(both(roomsOfAreaUpdate(this.ref, a.code))).emit(LiveMessage.AreaUpdated, { position: stamp, data: a });
    for (const i of incidents) {
      const name = i.status === 'resolved' ? LiveMessage.IncidentResolved : LiveMessage.IncidentReported;
      this.ns.to(both(roomsOfKelurahan(this.ref, i.kelurahanCode))).emit(name, { position: stamp, data: i });
    }
    // The city numbers and coverage go to everyone, whatever they follow: the header of every screen shows them.
    this.ns.emit(LiveMessage.SummaryUpdated, { position: stamp, data: summary });
    if (coverage) this.ns.emit(LiveMessage.CoverageUpdated, { position: stamp, data: coverage });
    if (change.messageIds?.length)
      this.ns.to(CITY_ROOM + DETAIL_SUFFIX).emit(LiveMessage.MessagesUpdated, { position: stamp, data: { messageIds: change.messageIds } });
    if (change.committedAt !== undefined) submitToScreen.observe(Math.max(0, Date.now() - change.committedAt) / 1000);
  }

  async heartbeat(): Promise<void> {
    // Local only: with the Redis adapter every node heartbeats its own sockets, not everyone else's.
    this.ns.local.emit(LiveMessage.Heartbeat, { position: await this.rm.position(), at: new Date().toISOString() });
  }
}
