-- The gateway's schema. Each capability adds its tables in its own migration:
-- V2 submitted runs and the transactional outbox, V3 API keys, V4 tenant blocklist and maintenance mode.
COMMENT ON SCHEMA ${schema} IS 'GreenLang API gateway: submitted runs, outbox, API keys, tenant blocklist, maintenance mode';
