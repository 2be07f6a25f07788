import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from './principal.js';

/** Who may sign in: officers (NIP, one TPS) and posko/auditor/admin/display users (user name in `nip`). */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'text' })
  nip: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text' })
  role: Role;

  @Column({ name: 'tps_id', type: 'text', nullable: true })
  tpsId: string | null;

  @Column({ name: 'pin_hash', type: 'text' })
  pinHash: string;

  @Column({ type: 'boolean', default: false })
  demo: boolean;

  /** Moved by a trigger whenever pin_hash, role or tps_id changes; tokens carry the value they were signed with. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
