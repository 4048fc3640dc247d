-- AuditStore.append updates the projection row of every run (and of every step) that a batch has events of, once
-- per batch. None of the updated columns but audit_runs.status is indexed, so these can be heap-only (HOT) updates,
-- which write no index entry, but only where the row's page has room for the new version: with the default
-- fillfactor of 100 the pages are full, every update moves the row to another page and inserts into every index
-- of the table (the three of audit_runs), and the indexes bloat. Leave half of each page free for new versions.
-- Applies to pages filled from now on; a store migrated with rows in these tables gets it for existing rows after
-- a VACUUM FULL, which this migration does not run (it would lock the tables).
ALTER TABLE audit_runs SET (fillfactor = 50);
ALTER TABLE audit_steps SET (fillfactor = 50);
-- The same holds for the chain heads: every batch updates the head of each of its chains (seq, hash, updated_at,
-- none indexed), next to the primary key and the key index of V2.
ALTER TABLE audit_chain_heads SET (fillfactor = 50);
