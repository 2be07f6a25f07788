/**
 * Signed log heads against a database-level attacker (issue 13, "tamper evidence from outside"). The attack is the
 * reviewer's: rewrite one TPS stream's events in SQL with fresh per-stream hashes, then re-chain every anchor after
 * it, so that the store and the anchors agree again. Plain verify cannot tell (asserted: it says ok); heads kept
 * outside the database (a signed checkpoint, an expectHead) can.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { AuditService } from '../src/audit/audit.service.js';
import { logLink } from '../src/audit/chain-verifier.js';
import { checkpointMessage, type SignedCheckpoint } from '../src/audit/checkpoints/checkpoint.js';
import { publicKeyFromPem } from '../src/audit/checkpoints/signing-key.js';
import { runVerify } from '../src/audit/checkpoints/verify-command.js';
import { eventHash, GENESIS_HASH } from '../src/audit/event-hash.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const [A, B, C] = ['1673061002001', '1673061002002', '1673011001001'];
const votes = (v: [number, number, number]) => goodTally({ votes: { '01': v[0], '02': v[1], '03': v[2] } });

interface Cp extends SignedCheckpoint {
  id: number;
  trigger: string;
}

/** The reviewer's rewrite: new votes in the stream's first tally, every hash of the stream and every anchor recomputed. */
async function rewriteStreamAndRechainAnchors(db: pg.Client, stream: string): Promise<void> {
  const events = (
    await db.query(`SELECT event_id, revision::int, type, data, metadata FROM es.events WHERE stream_id = $1 ORDER BY revision`, [stream])
  ).rows;
  let prev = GENESIS_HASH;
  for (const e of events) {
    if (e.type === 'TallySubmitted') e.data.form.votes['01'] += 40;
    const metadata = { ...e.metadata, prevHash: prev };
    delete metadata.hash;
    const hash = eventHash({ stream, revision: e.revision, eventId: e.event_id, type: e.type, data: e.data, metadata });
    await db.query(`UPDATE es.events SET data = $2, metadata = $3 WHERE event_id = $1`, [e.event_id, e.data, { ...metadata, hash }]);
    prev = hash;
  }
  const anchors = (await db.query(`SELECT commit_pos, prepare_pos, stream, revision::int, event_id FROM audit_anchor ORDER BY 1, 2`)).rows;
  let head = GENESIS_HASH;
  for (const a of anchors) {
    const [ev] = (await db.query(`SELECT metadata->>'hash' AS hash FROM es.events WHERE event_id = $1`, [a.event_id])).rows;
    head = logLink(head, a.stream, a.revision, ev.hash);
    await db.query(`UPDATE audit_anchor SET event_hash = $3, log_head = $4 WHERE commit_pos = $1 AND prepare_pos = $2`, [
      a.commit_pos,
      a.prepare_pos,
      ev.hash,
      head,
    ]);
  }
}

describe('signed log checkpoints (e2e)', () => {
  let t: TestApp;
  let db: pg.Client;
  let dir: string;
  const tok: Record<string, string> = {};
  let last = '';
  const post = async (who: string, path: string, body: unknown) => {
    const r = await t.call('POST', path, { token: tok[who], body });
    expect([path, r.status]).toEqual([path, 201]);
    last = r.body.position;
  };
  /** Until the audit anchors have passed the last write (their own projection: /api/summary's minPosition does not wait for it). */
  const settle = async () => {
    let upTo = null;
    for (let i = 0; i < 200 && upTo !== last; i++) {
      upTo = (await t.call('GET', '/api/audit/verify', { token: tok.auditor })).body.anchors.upTo;
      if (upTo !== last) await new Promise((r) => setTimeout(r, 50));
    }
    expect(upTo).toBe(last);
  };
  const sign = async () => {
    const r = await t.call('POST', '/api/audit/checkpoints', { token: tok.auditor });
    expect(r.status).toBe(201);
    return r.body as Cp;
  };
  const verify = async (q = '') => (await t.call('GET', `/api/audit/verify${q}`, { token: tok.auditor })).body;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sp-audit-key-'));
    t = await startTestApp({ AUDIT_SIGNING_KEY_FILE: join(dir, 'signing.pem'), AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1' }, 'checkpoints');
    for (const [who, nip, pin] of [
      ['A', A, '123456'],
      ['B', B, '123456'],
      ['C', C, '123456'],
      ['operator', 'operator', 'operator123'],
      ['auditor', 'auditor', 'auditor123'],
    ])
      tok[who] = await t.login(nip, pin);
    db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates the key file (mode 0600) and publishes its public key without sign-in', async () => {
    expect((await stat(join(dir, 'signing.pem'))).mode & 0o777).toBe(0o600);
    const r = await t.call('GET', '/api/audit/public-key');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(createPublicKey(r.body.publicKey).asymmetricKeyType).toBe('ed25519');
    const pem = await t.call('GET', '/api/audit/public-key?format=pem');
    expect(pem.body).toBe(r.body.publicKey);
    // Nothing to sign yet; only auditors and admins may ask.
    const empty = await t.call('POST', '/api/audit/checkpoints', { token: tok.auditor });
    expect([empty.status, empty.body.code]).toEqual([409, 'AUDIT.LOG_EMPTY']);
    expect((await t.call('POST', '/api/audit/checkpoints', { token: tok.operator })).status).toBe(403);
    expect((await t.call('POST', '/api/audit/checkpoints')).status).toBe(401);
    const extra = await t.call('POST', '/api/audit/checkpoints', { token: tok.auditor, body: { logHead: 'mine' } });
    expect([extra.status, extra.body.fields]).toEqual([400, [{ path: 'logHead', problem: 'unknown field' }]]);
  });

  it('signs on demand and at the interval, and lists the checkpoints newest first, paged, without sign-in', async () => {
    await post('A', `/api/tps/${A}/tally`, votes([60, 80, 35]));
    await settle();
    const first = await sign();
    const v1 = await verify();
    expect(first).toMatchObject({ position: last, logHead: v1.logHead, eventsCount: 1, trigger: 'on-demand', requestedBy: 'auditor' });
    const key = createPublicKey((await t.call('GET', '/api/audit/public-key')).body.publicKey);
    expect(verifySignature(null, checkpointMessage(first), key, Buffer.from(first.signature, 'base64'))).toBe(true);

    await post('B', `/api/tps/${B}/tally`, votes([100, 50, 25]));
    await post('B', `/api/tps/${B}/tally/corrections`, { ...votes([100, 45, 30]), expectedRevision: 0, reason: 'salah baca' });
    await settle();
    // The interval signer (1 s here) catches up with the log by itself.
    let interval: Cp | undefined;
    for (let i = 0; i < 100 && !interval; i++) {
      const page = (await t.call('GET', '/api/audit/checkpoints')).body as { checkpoints: Cp[] };
      interval = page.checkpoints.find((c) => c.trigger === 'interval' && c.position === last);
      if (!interval) await new Promise((r) => setTimeout(r, 100));
    }
    expect(interval).toMatchObject({ eventsCount: 3, logHead: (await verify()).logHead, requestedBy: null });
    const second = await sign();
    expect([second.position, second.logHead, second.eventsCount]).toEqual([last, interval!.logHead, 3]);

    const one = (await t.call('GET', '/api/audit/checkpoints?limit=1')).body;
    expect([one.checkpoints.map((c: Cp) => c.id), one.next]).toEqual([[second.id], second.id]);
    const rest = (await t.call('GET', `/api/audit/checkpoints?before=${one.next}&limit=500`)).body;
    expect(rest.checkpoints.map((c: Cp) => c.id)).toEqual([...rest.checkpoints.map((c: Cp) => c.id)].sort((a: number, b: number) => b - a));
    expect(rest.checkpoints.map((c: Cp) => c.id)).toEqual(expect.arrayContaining([interval!.id, first.id]));
    const bad = await t.call('GET', '/api/audit/checkpoints?limit=0&before=x');
    expect([bad.status, bad.body.fields.map((f: { path: string }) => f.path).sort()]).toEqual([400, ['before', 'limit']]);
  });

  it('detects a rewritten, re-chained stream that plain verify calls clean', async () => {
    // An observer kept what the public route served, one curl every few minutes, appended to a file.
    const kept = join(dir, 'kept.jsonl');
    const page = (await t.call('GET', '/api/audit/checkpoints?limit=500')).body;
    await writeFile(kept, JSON.stringify(page) + '\n' + JSON.stringify(page) + '\n');
    const keyFile = join(dir, 'public.pem');
    await writeFile(keyFile, (await t.call('GET', '/api/audit/public-key?format=pem')).body as string);
    const cps = page.checkpoints as Cp[];
    const beforeB = cps.find((c) => c.eventsCount === 1)!;
    const afterB = cps.find((c) => c.eventsCount === 3)!;
    expect((await verify(`?expectHead=${afterB.logHead}&at=${afterB.position}`)).ok).toBe(true);

    await post('C', `/api/tps/${C}/tally`, votes([70, 70, 35]));
    await settle();
    await rewriteStreamAndRechainAnchors(db, `tps-${B}`);

    // The finding: the store and the anchors agree again, so verify alone sees nothing.
    const plain = await verify();
    expect([plain.ok, plain.broken, plain.anchors.anchors]).toEqual([true, [], 4]);

    // A head kept from before the rewrite does not match the log any more, at its position or anywhere.
    const pinned = await verify(`?expectHead=${afterB.logHead}&at=${afterB.position}`);
    expect([pinned.ok, pinned.heads.map((h: { problem: string }) => h.problem)]).toEqual([false, ['HEAD_MISMATCH']]);
    expect(pinned.heads[0]).toMatchObject({ position: afterB.position, expectedHead: afterB.logHead, actualCount: 3 });
    expect(pinned.heads[0].actualHead).not.toBe(afterB.logHead);
    const floating = await verify(`?expectHead=${afterB.logHead}`);
    expect([floating.ok, floating.heads[0].problem]).toEqual([false, 'HEAD_NOT_IN_LOG']);
    // The log before the rewritten stream is untouched, and verify says so.
    expect((await verify(`?expectHead=${beforeB.logHead}&at=${beforeB.position}`)).ok).toBe(true);

    // audit:verify --checkpoints: the kept file against the log, signatures checked under the saved key.
    const audit = t.app.get(AuditService);
    const deps = { readText: (f: string) => readFile(f, 'utf8'), publicKey: async () => publicKeyFromPem(await readFile(keyFile, 'utf8')) };
    const cli = await runVerify(audit, { checkpoints: kept, publicKey: keyFile }, deps);
    expect(cli.ok).toBe(false);
    expect(cli.checkpoints.map((c) => c.signature)).toEqual(cps.map(() => 'valid'));
    const byPos = Object.fromEntries(cli.heads.map((h) => [h.label, [h.position, h.problem]]));
    for (const c of cps) expect(byPos[`checkpoint ${c.id} (${c.at})`]).toEqual([c.position, c.eventsCount === 1 ? null : 'HEAD_MISMATCH']);

    // Forging a checkpoint to fit the rewritten log needs the key: without it the signature fails.
    const forged = { ...afterB, logHead: pinned.heads[0].actualHead };
    await writeFile(join(dir, 'forged.json'), JSON.stringify([forged]));
    const f = await runVerify(audit, { checkpoints: join(dir, 'forged.json') }, deps);
    expect([f.ok, f.checkpoints[0].signature, f.heads]).toEqual([false, expect.stringMatching(/^INVALID/), []]);

    // The server does not bless the rewrite either: a checkpoint signed now extends the last signed head.
    const now = await sign();
    expect([now.position, now.eventsCount]).toEqual([last, 4]);
    expect(now.logHead).not.toBe(plain.logHead);
    expect((await verify(`?expectHead=${now.logHead}&at=${now.position}`)).heads[0].problem).toBe('HEAD_MISMATCH');
  });

  it('puts the public key and the checkpoints into the audit export', async () => {
    const lines = ((await t.call('GET', '/api/audit/export', { token: tok.auditor })).body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const key = (await t.call('GET', '/api/audit/public-key')).body;
    expect(lines[0]).toEqual({ kind: 'export-header', format: 'sipantaumilu-audit-export', signingKey: key });
    expect(lines.slice(1, -1).map((l) => l.stream)).toHaveLength(4);
    const all = (await t.call('GET', '/api/audit/checkpoints?limit=500')).body.checkpoints as Cp[];
    expect(lines[lines.length - 1]).toEqual({ kind: 'checkpoints', checkpoints: [...all].reverse() });
  });

  it('refuses a bad expectHead or at with the field named', async () => {
    const r = await t.call('GET', '/api/audit/verify?expectHead=abc&at=12', { token: tok.auditor });
    expect([r.status, r.body.fields.map((f: { path: string }) => f.path).sort()]).toEqual([400, ['at', 'expectHead']]);
    const at = await t.call('GET', '/api/audit/verify?at=1/2', { token: tok.auditor });
    expect([at.status, at.body.fields]).toEqual([400, [{ path: 'expectHead', problem: 'is required with at' }]]);
  });
});
