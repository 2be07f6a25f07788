import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * TypeORM mappings of the projection tables (schema: migration 1700000000005). The projections write with plain SQL
 * (their tables are swapped wholesale by a rebuild, so they address them by schema); these entities are for readers
 * and ad-hoc tooling that prefer repositories. Position halves are numeric(20,0), read as decimal strings.
 */
@Entity({ name: 'proj_checkpoint' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn('text') name: string;
  @Column({ name: 'commit_pos', type: 'numeric', precision: 20, scale: 0, nullable: true }) commitPos: string | null;
  @Column({ name: 'prepare_pos', type: 'numeric', precision: 20, scale: 0, nullable: true }) preparePos: string | null;
  @Column({ name: 'events_applied', type: 'bigint', default: 0 }) eventsApplied: string;
  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true }) lastEventAt: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity({ name: 'rm_tps' })
export class TpsStatusEntity {
  @PrimaryColumn({ name: 'tps_id', type: 'text' }) tpsId: string;
  @Index() @Column({ name: 'kelurahan_code', type: 'text' }) kelurahanCode: string;
  @Index() @Column('text') state: string;
  @Column({ name: 'checked_in', type: 'boolean' }) checkedIn: boolean;
  /** The projection's whole per-TPS state (TpsDoc in tps-doc.ts). */
  @Column('jsonb') doc: unknown;
  @Column({ name: 'last_commit', type: 'numeric', precision: 20, scale: 0 }) lastCommit: string;
  @Column({ name: 'last_prepare', type: 'numeric', precision: 20, scale: 0 }) lastPrepare: string;
}

@Entity({ name: 'rm_kelurahan_tally' })
export class KelurahanTallyEntity {
  @PrimaryColumn({ name: 'kelurahan_code', type: 'text' }) kelurahanCode: string;
  @PrimaryColumn('text') contest: string;
  @Column({ name: 'kecamatan_code', type: 'text' }) kecamatanCode: string;
  @Column({ name: 'tps_reported', type: 'integer' }) tpsReported: number;
  @Column({ name: 'tps_flagged', type: 'integer' }) tpsFlagged: number;
  @Column({ name: 'valid_votes', type: 'bigint' }) validVotes: string;
  @Column({ name: 'invalid_votes', type: 'bigint' }) invalidVotes: string;
  @Column({ name: 'dpt_covered', type: 'bigint' }) dptCovered: string;
  /** Sum over reported TPS of (valid votes)^2: the quick count's variance needs it. */
  @Column({ type: 'bigint' }) sxx: string;
  /** Per candidate number: { y: votes, yy: sum of squares, xy: sum of votes x valid votes }. */
  @Column('jsonb') candidates: Record<string, { y: number; yy: number; xy: number }>;
}

@Entity({ name: 'rm_kelurahan_status' })
export class KelurahanStatusEntity {
  @PrimaryColumn({ name: 'kelurahan_code', type: 'text' }) kelurahanCode: string;
  @Column({ name: 'kecamatan_code', type: 'text' }) kecamatanCode: string;
  @Column({ name: 'tps_checked_in', type: 'integer' }) tpsCheckedIn: number;
  @Column({ name: 'tps_reported', type: 'integer' }) tpsReported: number;
  @Column({ name: 'tps_flagged', type: 'integer' }) tpsFlagged: number;
  @Column({ name: 'open_incidents', type: 'integer' }) openIncidents: number;
  @Column({ name: 'tps_with_photos', type: 'integer', default: 0 }) tpsWithPhotos: number;
}

@Entity({ name: 'rm_incident' })
export class IncidentEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'text' }) incidentId: string;
  @Column({ name: 'tps_id', type: 'text' }) tpsId: string;
  @Column({ name: 'kelurahan_code', type: 'text' }) kelurahanCode: string;
  @Column('text') status: string;
  @Column({ name: 'reported_at', type: 'timestamptz' }) reportedAt: Date;
  /** The IncidentView as served. */
  @Column('jsonb') doc: unknown;
  @Column({ name: 'last_commit', type: 'numeric', precision: 20, scale: 0 }) lastCommit: string;
  @Column({ name: 'last_prepare', type: 'numeric', precision: 20, scale: 0 }) lastPrepare: string;
}

export const readModelEntities = [ProjectionCheckpointEntity, TpsStatusEntity, KelurahanTallyEntity, KelurahanStatusEntity, IncidentEntity];
