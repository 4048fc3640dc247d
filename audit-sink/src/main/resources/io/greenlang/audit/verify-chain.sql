-- Recomputes every audit chain in the current schema (SET search_path first) and lists the rows that do not
-- verify: a stored hash that differs from sha256(previous row's stored hash || E'\n' || canonical_json), or a
-- seq that is not the row's position in its chain (a gap). No rows: every chain is intact.
-- Uses sha256() built into PostgreSQL >= 11; no extension needed.
SELECT chain_id, seq, expected_seq, hash AS stored_hash, recomputed_hash
FROM (
    SELECT chain_id, seq, hash,
           row_number() OVER w AS expected_seq,
           encode(sha256(convert_to(
               coalesce(lag(hash) OVER w, repeat('0', 64)) || E'\n' || canonical_json,
               'UTF8')), 'hex') AS recomputed_hash
    FROM audit_events
    WINDOW w AS (PARTITION BY chain_id ORDER BY seq)
) AS recomputed
WHERE recomputed_hash <> hash OR seq <> expected_seq
ORDER BY chain_id, seq
