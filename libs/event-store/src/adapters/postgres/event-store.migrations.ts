// Schema of the SQL event store (PostgreSQL and PGlite run the same SQL).
//
// Gap safety: global_position comes from a sequence, and sequences commit out
// of order. Every row records the id of the transaction that wrote it; readers
// order by (transaction_id, global_position) and only read rows whose
// transaction id is below the oldest transaction still running
// (pg_snapshot_xmin), so a late commit can never be skipped. A checkpoint is
// a plain global position: the reader looks up its transaction id.
//
// An append does the version check, the idempotency check and the insert in
// one statement, so it costs one round trip: APPEND_ONE_SQL (prepared) for one
// stream, crm_append() for several streams at once.
import type { Migration } from '@crm/database';

export const eventStoreMigrations: Migration[] = [
  {
    id: '0001_event_store',
    sql: `
CREATE TABLE crm_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL,
  event_id        uuid NOT NULL,
  type            text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX crm_events_stream_version ON crm_events (stream_id, stream_version);
CREATE UNIQUE INDEX crm_events_event_id ON crm_events (event_id);
CREATE INDEX crm_events_commit_order ON crm_events (transaction_id, global_position);

-- Raises from inside a single SQL statement (the one-stream append), so that
-- a partly conflicting insert rolls back whole.
CREATE FUNCTION crm_raise(p_code text, p_message text, p_detail text) RETURNS bigint
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '%', p_message USING ERRCODE = p_code, DETAIL = coalesce(p_detail, '');
END
$fn$;

-- The one-stream append as a function: PL/pgSQL caches its plan per session,
-- which gives PGlite (no named prepared statements) what PREPARE gives pg.
CREATE FUNCTION crm_append_one(p_stream text, p_expected bigint, p_ids uuid[], p_events jsonb)
RETURNS TABLE (inserted bigint, version bigint, positions bigint[], failed bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
  RETURN QUERY
  WITH ins AS (
    INSERT INTO crm_events (stream_id, stream_version, event_id, type, data, metadata)
    SELECT p_stream, base.v + ev.n, p_ids[ev.n], ev.x->>'type', ev.x->'data', coalesce(ev.x->'metadata', '{}'::jsonb)
      FROM (SELECT CASE WHEN p_expected IS NULL
                        THEN (SELECT coalesce(max(c.stream_version), 0) FROM crm_events c WHERE c.stream_id = p_stream)
                        ELSE p_expected END AS v) base,
           jsonb_array_elements(p_events) WITH ORDINALITY ev(x, n)
     WHERE p_expected IS NULL OR p_expected = 0
        OR EXISTS (SELECT 1 FROM crm_events p WHERE p.stream_id = p_stream AND p.stream_version = p_expected)
     ORDER BY ev.n
    ON CONFLICT DO NOTHING
    RETURNING crm_events.global_position, crm_events.stream_version
  )
  SELECT count(*), max(ins.stream_version), array_agg(ins.global_position ORDER BY ins.stream_version),
         CASE WHEN count(*) > 0 AND count(*) < cardinality(p_ids)
              THEN crm_raise('CRM03', 'concurrent append to the same stream', NULL) END
    FROM ins;
END
$fn$;

-- appendMany: several streams in one transaction.
-- p_batch: [{"s": stream id, "e": expected version or null for any, "ev": [{"id","type","data","metadata"}]}]
-- returns: [{"s": stream id, "v": next expected version, "p": [global positions]}]
-- raises CRM01 wrong expected version, CRM02 event ids used elsewhere,
--        CRM03 lost a race with a concurrent append (safe to retry the call).
CREATE FUNCTION crm_append(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fn$
DECLARE
  v_ids      uuid[];
  v_existing integer;
  v_same     boolean;
  v_bad      record;
  v_inserted integer;
  v_result   jsonb;
BEGIN
  SELECT array_agg((ev.x->>'id')::uuid) INTO v_ids
    FROM jsonb_array_elements(p_batch) b(x) CROSS JOIN LATERAL jsonb_array_elements(b.x->'ev') ev(x);

  -- Idempotency: a retry of events already stored answers what the first call did.
  IF EXISTS (SELECT 1 FROM crm_events e WHERE e.event_id = ANY (v_ids)) THEN
    SELECT count(*)::int,
           bool_and(e.stream_id IN (SELECT b.x->>'s' FROM jsonb_array_elements(p_batch) b(x)
                                     WHERE b.x->'ev' @> jsonb_build_array(jsonb_build_object('id', e.event_id::text))))
      INTO v_existing, v_same
      FROM crm_events e WHERE e.event_id = ANY (v_ids);
    IF v_existing = cardinality(v_ids) AND v_same THEN
      SELECT jsonb_agg(jsonb_build_object('s', r.s, 'v', r.v, 'p', r.p)) INTO v_result
        FROM (SELECT e.stream_id AS s, max(e.stream_version) AS v, jsonb_agg(e.global_position ORDER BY e.stream_version) AS p
                FROM crm_events e WHERE e.event_id = ANY (v_ids) GROUP BY e.stream_id) r;
      RETURN v_result;
    END IF;
    RAISE EXCEPTION 'event ids already used by other events' USING ERRCODE = 'CRM02',
      DETAIL = (SELECT jsonb_build_object('ids', jsonb_agg(e.event_id))::text FROM crm_events e WHERE e.event_id = ANY (v_ids));
  END IF;

  SELECT q.s, q.e, q.cur INTO v_bad
    FROM (SELECT b.x->>'s' AS s, (b.x->>'e')::bigint AS e,
                 coalesce((SELECT max(c.stream_version) FROM crm_events c WHERE c.stream_id = b.x->>'s'), 0) AS cur
            FROM jsonb_array_elements(p_batch) b(x)
           WHERE b.x->>'e' IS NOT NULL) q
   WHERE q.e <> q.cur
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'CRM01',
      DETAIL = jsonb_build_object('stream', v_bad.s, 'expected', v_bad.e, 'actual', v_bad.cur)::text;
  END IF;

  WITH ins AS (
    INSERT INTO crm_events (stream_id, stream_version, event_id, type, data, metadata)
    SELECT r.s, r.base + ev.n, (ev.x->>'id')::uuid, ev.x->>'type', ev.x->'data', coalesce(ev.x->'metadata', '{}'::jsonb)
      FROM (SELECT b.ord, b.x, b.x->>'s' AS s,
                   coalesce((b.x->>'e')::bigint,
                            (SELECT max(c.stream_version) FROM crm_events c WHERE c.stream_id = b.x->>'s'), 0) AS base
              FROM jsonb_array_elements(p_batch) WITH ORDINALITY b(x, ord)) r
      CROSS JOIN LATERAL jsonb_array_elements(r.x->'ev') WITH ORDINALITY ev(x, n)
     ORDER BY r.ord, ev.n
    ON CONFLICT DO NOTHING
    RETURNING stream_id, stream_version, global_position
  )
  SELECT coalesce(sum(a.c), 0)::int, jsonb_agg(jsonb_build_object('s', a.stream_id, 'v', a.v, 'p', a.p))
    INTO v_inserted, v_result
    FROM (SELECT stream_id, max(stream_version) AS v, count(*) AS c,
                 jsonb_agg(global_position ORDER BY stream_version) AS p
            FROM ins GROUP BY stream_id) a;
  IF v_inserted < cardinality(v_ids) THEN
    RAISE EXCEPTION 'concurrent append to the same stream' USING ERRCODE = 'CRM03';
  END IF;
  RETURN v_result;
END
$fn$;
`,
  },
  {
    // The state of a long stream at a version (stream-states.ts): a cache, never the truth.
    id: '0010_snapshots',
    sql: `
CREATE TABLE crm_snapshots (
  stream_id       text NOT NULL,
  type            text NOT NULL,
  decider_version integer NOT NULL,
  stream_version  bigint NOT NULL,
  state           text NOT NULL,
  written_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, type)
);`,
  },
];

/**
 * One stream, one statement, one round trip. $1 stream, $2 expected version
 * (null: any), $3 event ids, $4 events as a JSON array of {type, data, metadata}.
 * It uses only what the unique indexes answer anyway, so its cost stays flat
 * as the log grows (and a plan cached while the table was empty stays good):
 * the next versions must be free, version $2 must exist, the ids must be new.
 * Rows written: all of them or none; a partial insert raises CRM03 and rolls
 * back. Fewer rows than events means a conflict: the caller asks why.
 */
export const APPEND_ONE_SQL = `
WITH ins AS (
  INSERT INTO crm_events (stream_id, stream_version, event_id, type, data, metadata)
  SELECT $1::text, base.v + ev.n, ($3::uuid[])[ev.n], ev.x->>'type', ev.x->'data', coalesce(ev.x->'metadata', '{}'::jsonb)
    FROM (SELECT CASE WHEN $2::bigint IS NULL
                      THEN (SELECT coalesce(max(c.stream_version), 0) FROM crm_events c WHERE c.stream_id = $1::text)
                      ELSE $2::bigint END AS v) base,
         jsonb_array_elements($4::jsonb) WITH ORDINALITY ev(x, n)
   WHERE $2::bigint IS NULL OR $2::bigint = 0
      OR EXISTS (SELECT 1 FROM crm_events p WHERE p.stream_id = $1::text AND p.stream_version = $2::bigint)
   ORDER BY ev.n
  ON CONFLICT DO NOTHING
  RETURNING global_position, stream_version
)
SELECT count(*) AS inserted, max(stream_version) AS version, array_agg(global_position ORDER BY stream_version) AS positions,
       CASE WHEN count(*) > 0 AND count(*) < cardinality($3::uuid[])
            THEN crm_raise('CRM03', 'concurrent append to the same stream', NULL) END AS failed
  FROM ins`;
