-- Read projections of the RunEvents in the audit chains, and indexes for finding chains by key and by time.
-- The projections are maintained by AuditStore.append in the transaction that appends the events, from the
-- appended RunEvents in chain order, so they are a pure function of the chains: every value below comes from
-- an event (its meta.occurred_at, its fields, its seq), never from the clock. They are not evidence: the chain is.

-- One row per run_id seen in a RunEvent.
CREATE TABLE audit_runs (
    run_id      text        PRIMARY KEY,
    tenant_id   text        NOT NULL,            -- meta.tenant_id of the run's first event
    status      text,                            -- to_status of the last RUN_TRANSITION; null before the first
    error_code  text,                            -- error_code of the last RUN_TRANSITION
    created_at  timestamptz NOT NULL,            -- occurred_at of the run's first event
    updated_at  timestamptz NOT NULL,            -- occurred_at of the run's last event
    finished_at timestamptz,                     -- occurred_at of the RUN_TRANSITION into SUCCEEDED, FAILED or
                                                 -- CANCELLED while the run is in that status, else null
    events      bigint      NOT NULL CHECK (events >= 1), -- RunEvents of the run (run and step transitions)
    last_seq    bigint      NOT NULL CHECK (last_seq >= 1) -- chain seq of the run's last event
);

CREATE INDEX audit_runs_status ON audit_runs (status, run_id);
CREATE INDEX audit_runs_tenant ON audit_runs (tenant_id, run_id);

-- One row per (run_id, step) seen in a STEP_TRANSITION.
CREATE TABLE audit_steps (
    run_id      text        NOT NULL,
    step        text        NOT NULL,
    attempt     int,                             -- attempt of the last transition
    status      text        NOT NULL,            -- to_status of the last transition
    error_code  text,                            -- error_code of the last transition
    started_at  timestamptz,                     -- occurred_at of the transition into RUNNING of this attempt
    finished_at timestamptz,                     -- occurred_at of the transition into a terminal status while the
                                                 -- step is in it (SUCCEEDED, FAILED, TIMED_OUT, SKIPPED, CANCELLED)
    updated_at  timestamptz NOT NULL,            -- occurred_at of the step's last transition
    PRIMARY KEY (run_id, step)
);

-- A chain id is <topic>/<key> and a topic never contains '/': the key is everything after the first '/'.
-- AuditStore.chainsOfKey queries exactly these expressions.
CREATE INDEX audit_chain_heads_key ON audit_chain_heads ((substr(chain_id, strpos(chain_id, '/') + 1)));
CREATE INDEX audit_events_key ON audit_events ((substr(chain_id, strpos(chain_id, '/') + 1)));

-- AuditStore.chainsSince.
CREATE INDEX audit_events_recorded_at ON audit_events (recorded_at);
