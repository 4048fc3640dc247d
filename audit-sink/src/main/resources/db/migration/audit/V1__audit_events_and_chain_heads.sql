-- The hash-chained audit store (see docs/audit-hash.md). Objects are created in the schema Flyway runs in
-- (its default schema), so every name below is unqualified.

CREATE TABLE audit_events (
    chain_id       text        NOT NULL,
    seq            bigint      NOT NULL CHECK (seq >= 1),
    event_id       text        NOT NULL UNIQUE,
    event_type     text        NOT NULL,
    topic          text        NOT NULL,
    partition      int         NOT NULL,
    "offset"       bigint      NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    tenant_id      text        NOT NULL,
    canonical_json text        NOT NULL,
    prev_hash      char(64)    NOT NULL,
    hash           char(64)    NOT NULL,
    PRIMARY KEY (chain_id, seq),
    UNIQUE (topic, partition, "offset")
);

COMMENT ON TABLE audit_events IS
    'Append-only hash chains: hash = hex(sha256(prev_hash || E''\n'' || canonical_json)); see docs/audit-hash.md';

-- The last (seq, hash) of every chain; seq 0 and 64 zeros for a chain whose first append is in progress.
CREATE TABLE audit_chain_heads (
    chain_id   text        PRIMARY KEY,
    seq        bigint      NOT NULL CHECK (seq >= 0),
    hash       char(64)    NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Rejects every UPDATE, DELETE and TRUNCATE of audit_events, whoever runs it (superusers included, unless
-- they drop the trigger or set session_replication_role = replica, which verification then detects).
CREATE FUNCTION audit_events_reject_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'GL-E-AUDIT-CHAIN-BROKEN: audit_events is append-only, % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit events can only be appended; see docs/audit-hash.md';
END;
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_reject_change();

CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_reject_change();
