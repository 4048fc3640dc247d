-- Submitted runs and the transactional outbox (io.greenlang.gateway.submit).
-- POST /api/v1/runs inserts one row into runs and one into outbox in ONE transaction; the gateway's Debezium
-- engine (pgoutput, publication and slot GL_OUTBOX_SLOT_NAME, filtered to the outbox table) publishes every
-- inserted outbox row to its topic. Rows are only inserted, never updated; the publisher ignores other changes.

CREATE TABLE ${schema}.runs (
    run_id             text        PRIMARY KEY,
    tenant_id          text        NOT NULL,
    idempotency_key    text        NOT NULL,
    -- SHA-256 (hex) of the canonical request: a second request with the same key must carry the same hash
    request_hash       text        NOT NULL,
    pipeline_name      text        NOT NULL,
    pipeline_namespace text        NOT NULL,
    status             text        NOT NULL DEFAULT 'REQUESTED',
    requested_by       text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT runs_tenant_idempotency_key UNIQUE (tenant_id, idempotency_key)
);
COMMENT ON TABLE ${schema}.runs IS 'Runs submitted through POST /api/v1/runs; idempotency keys are unique per tenant';

CREATE TABLE ${schema}.outbox (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- the Kafka record key (the run id)
    record_key   text        NOT NULL,
    -- the event type, e.g. RunRequested: the publisher maps it to its topic in the topic catalogue
    event_type   text        NOT NULL,
    -- the Kafka record value, already serialised exactly as the topic's value serde writes it
    payload      bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_created_at ON ${schema}.outbox (created_at);
-- pgoutput needs a replica identity for tables in a publication; the primary key is enough (inserts carry
-- every column anyway), set explicitly so nobody changes it to NOTHING.
ALTER TABLE ${schema}.outbox REPLICA IDENTITY DEFAULT;
COMMENT ON TABLE ${schema}.outbox IS 'Transactional outbox read by the gateway''s Debezium engine; insert-only';

-- Offsets of the Debezium engine (PostgresOffsetBackingStore): where in the WAL publishing has reached, so a
-- restarted gateway resumes after the last published batch instead of the slot's start.
CREATE TABLE ${schema}.outbox_offsets (
    offset_key   bytea       PRIMARY KEY,
    offset_value bytea,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ${schema}.outbox_offsets IS 'Debezium engine offsets of the outbox publisher';
