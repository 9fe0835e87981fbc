// Schema of the SQL event store (PostgreSQL and PGlite run the same SQL).
//
// Gap safety: global_position comes from a sequence, and sequences commit out
// of order. Every row records the id of the transaction that wrote it; readers
// order by (transaction_id, global_position) and only read rows whose
// transaction id is below the oldest transaction still running
// (pg_snapshot_xmin), so a late commit can never be skipped. A checkpoint is
// a plain global position: the reader looks up its transaction id.
//
// crm_append does the version check, the idempotency check and the insert in
// one statement, so an append costs one round trip.
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

-- p_batch: [{"s": stream id, "e": expected version or null for any, "ev": [{"id","type","data","metadata"}]}]
-- returns: [{"s": stream id, "v": next expected version, "p": [global positions]}]
-- raises CRM01 wrong expected version, CRM02 event ids used elsewhere,
--        CRM03 lost a race with a concurrent append (safe to retry the call).
CREATE FUNCTION crm_append(p_batch jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $fn$
DECLARE
  v_total    integer;
  v_existing integer;
  v_same     boolean;
  v_bad      record;
  v_inserted integer;
  v_result   jsonb;
BEGIN
  SELECT count(*)::int INTO v_total
    FROM jsonb_array_elements(p_batch) b(x) CROSS JOIN LATERAL jsonb_array_elements(b.x->'ev') ev(x);

  -- Idempotency: a retry of events already stored answers what the first call did.
  SELECT count(*)::int, coalesce(bool_and(e.stream_id = q.s), true) INTO v_existing, v_same
    FROM (SELECT b.x->>'s' AS s, (ev.x->>'id')::uuid AS id
            FROM jsonb_array_elements(p_batch) b(x) CROSS JOIN LATERAL jsonb_array_elements(b.x->'ev') ev(x)) q
    JOIN crm_events e ON e.event_id = q.id;
  IF v_existing > 0 THEN
    IF v_existing = v_total AND v_same THEN
      SELECT jsonb_agg(jsonb_build_object('s', r.s, 'v', r.v, 'p', r.p)) INTO v_result
        FROM (SELECT e.stream_id AS s, max(e.stream_version) AS v, jsonb_agg(e.global_position ORDER BY e.stream_version) AS p
                FROM (SELECT (ev.x->>'id')::uuid AS id
                        FROM jsonb_array_elements(p_batch) b(x) CROSS JOIN LATERAL jsonb_array_elements(b.x->'ev') ev(x)) q
                JOIN crm_events e ON e.event_id = q.id
               GROUP BY e.stream_id) r;
      RETURN v_result;
    END IF;
    RAISE EXCEPTION 'event ids already used by other events' USING ERRCODE = 'CRM02',
      DETAIL = (SELECT jsonb_build_object('ids', jsonb_agg(q.id))::text
                  FROM (SELECT (ev.x->>'id')::uuid AS id
                          FROM jsonb_array_elements(p_batch) b(x) CROSS JOIN LATERAL jsonb_array_elements(b.x->'ev') ev(x)) q
                  JOIN crm_events e ON e.event_id = q.id);
  END IF;

  SELECT q.s, q.e, q.cur INTO v_bad
    FROM (SELECT b.x->>'s' AS s, (b.x->>'e')::bigint AS e,
                 coalesce((SELECT max(c.stream_version) FROM crm_events c WHERE c.stream_id = b.x->>'s'), 0) AS cur
            FROM jsonb_array_elements(p_batch) b(x)) q
   WHERE q.e IS NOT NULL AND q.e <> q.cur
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
  IF v_inserted < v_total THEN
    RAISE EXCEPTION 'concurrent append to the same stream' USING ERRCODE = 'CRM03';
  END IF;
  RETURN v_result;
END
$fn$;
`,
  },
];
