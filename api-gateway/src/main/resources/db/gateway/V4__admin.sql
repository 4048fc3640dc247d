-- V4: the tenant blocklist and maintenance mode, shared by every gateway instance.

CREATE TABLE ${schema}.tenant_blocklist (
    tenant_id  TEXT PRIMARY KEY CHECK (tenant_id <> '' AND tenant_id <> '*'),
    reason     TEXT        NOT NULL,
    blocked_by TEXT        NOT NULL,
    blocked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON TABLE ${schema}.tenant_blocklist IS 'Tenants whose requests the gateway refuses (GL-E-TENANT-ISOLATION)';

-- One row: the platform's maintenance mode. While enabled, new runs are refused (503); running ones finish.
CREATE TABLE ${schema}.maintenance_mode (
    singleton  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    enabled    BOOLEAN     NOT NULL,
    reason     TEXT,
    changed_by TEXT        NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO ${schema}.maintenance_mode (enabled, reason, changed_by) VALUES (FALSE, NULL, 'migration');
COMMENT ON TABLE ${schema}.maintenance_mode IS 'Maintenance mode of the platform: one row';
