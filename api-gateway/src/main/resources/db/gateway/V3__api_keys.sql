-- API keys: glk_<key_id>_<secret>. Only sha256(secret) is stored, so a copy of this table authenticates nobody.
-- A key is bound to one tenant ('*' = every tenant, platform operators) and a set of roles; revocation keeps the row.
CREATE TABLE ${schema}.api_keys (
    key_id        text        PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    secret_sha256 text        NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    tenant_id     text        NOT NULL CHECK (length(tenant_id) BETWEEN 1 AND 256),
    roles         text[]      NOT NULL CHECK (cardinality(roles) > 0
                                              AND roles <@ ARRAY['viewer', 'submitter', 'approver', 'admin']),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    bootstrap     boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

CREATE INDEX api_keys_tenant ON ${schema}.api_keys (tenant_id, created_at);

COMMENT ON TABLE ${schema}.api_keys IS 'API keys of the gateway: sha256 of the secret, tenant, roles; never the key itself';
COMMENT ON COLUMN ${schema}.api_keys.bootstrap IS 'The admin key gl local up creates for tenant * and reuses while it is valid';
