import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group commit (docs/event-store.md): `es.append_batch` appends many requests in ONE statement (one transaction, one
 * commit flush) and returns one outcome row per request: written, replayed (every id already in the stream: the
 * original result) or conflict (with the stream's actual revision). A conflict or replay writes nothing and does not
 * touch its neighbours; no subtransactions (they would overflow the snapshot's subxid cache past 64 per batch).
 *
 * Every stream of the batch is locked (the same per-stream advisory lock as a single append) before the first write,
 * i.e. before the transaction takes its xid, and in hash order: revision order stays log order and two batches cannot
 * deadlock. Requests run in array order, so two requests on one stream behave as two appends in that order.
 * Request shape: {s: stream, x: 'any'|'no_stream'|'stream_exists'|'rev', r: revision text (x = 'rev'), e: [events]}.
 */
export class EventStoreGroupCommit1700000000090 implements MigrationInterface {
  name = 'EventStoreGroupCommit1700000000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION es.append_batch(requests jsonb)
      RETURNS TABLE (req int, outcome text, revision text, global_id text, transaction_id text)
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        h int;
        r record;
        s text;
        n bigint;
        have bigint;
        claimed bigint;
      BEGIN
        FOR h IN SELECT DISTINCT hashtext(x->>'s') FROM jsonb_array_elements(requests) x ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(17747, h); -- 0x4553 "ES", as in the single append
        END LOOP;
        FOR r IN SELECT x.ord::int AS i, x.value AS v FROM jsonb_array_elements(requests) WITH ORDINALITY AS x(value, ord)
                 ORDER BY x.ord LOOP
          req := r.i; s := r.v->>'s'; n := jsonb_array_length(r.v->'e');
          revision := NULL; global_id := NULL; transaction_id := NULL; claimed := NULL;
          -- Stable while the lock is held: any id already in the stream means replay (all) or conflict (some).
          SELECT count(*) INTO have FROM es.events ev
            WHERE ev.stream_id = s AND ev.event_id IN (SELECT (e->>'id')::uuid FROM jsonb_array_elements(r.v->'e') e);
          IF have = 0 THEN
            CASE r.v->>'x'
              WHEN 'rev' THEN
                UPDATE es.streams st SET revision = st.revision + n
                  WHERE st.stream_id = s AND st.revision = (r.v->>'r')::bigint RETURNING st.revision INTO claimed;
              WHEN 'stream_exists' THEN
                UPDATE es.streams st SET revision = st.revision + n WHERE st.stream_id = s RETURNING st.revision INTO claimed;
              WHEN 'no_stream' THEN
                INSERT INTO es.streams AS st (stream_id, revision) VALUES (s, n - 1)
                  ON CONFLICT DO NOTHING RETURNING st.revision INTO claimed;
              ELSE
                INSERT INTO es.streams AS st (stream_id, revision) VALUES (s, n - 1)
                  ON CONFLICT (stream_id) DO UPDATE SET revision = st.revision + n RETURNING st.revision INTO claimed;
            END CASE;
          END IF;
          IF claimed IS NOT NULL THEN
            WITH ins AS (
              INSERT INTO es.events (stream_id, revision, event_id, type, data, metadata)
              SELECT s, claimed - n + e.ord, (e.value->>'id')::uuid, e.value->>'type', e.value->'data', e.value->'metadata'
              FROM jsonb_array_elements(r.v->'e') WITH ORDINALITY AS e(value, ord)
              ORDER BY e.ord
              RETURNING es.events.revision, es.events.global_id, es.events.transaction_id)
            SELECT ins.revision::text, ins.global_id::text, ins.transaction_id::text INTO revision, global_id, transaction_id
              FROM ins ORDER BY ins.revision DESC LIMIT 1;
            outcome := 'written';
          ELSIF have = n THEN
            SELECT ev.revision::text, ev.global_id::text, ev.transaction_id::text INTO revision, global_id, transaction_id
              FROM es.events ev WHERE ev.stream_id = s AND ev.event_id = (r.v->'e'->(n::int - 1)->>'id')::uuid;
            outcome := 'replayed';
          ELSE
            SELECT st.revision::text INTO revision FROM es.streams st WHERE st.stream_id = s;
            outcome := 'conflict'; -- revision = the actual one, NULL = no stream
          END IF;
          RETURN NEXT;
        END LOOP;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS es.append_batch(jsonb)`);
  }
}
