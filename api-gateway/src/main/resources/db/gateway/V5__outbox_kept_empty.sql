-- The outbox is kept empty (io.greenlang.gateway.submit.RunStore, OutboxPublisher): each row is deleted in the
-- transaction that inserts it, since the publisher reads the insert from the replication slot's WAL, not the
-- table. Rows left by earlier versions were inserted while the slot existed (it is created before the gateway
-- accepts runs), so their inserts are in the WAL already: published, or pending in the slot.
DELETE FROM ${schema}.outbox;
DROP INDEX ${schema}.outbox_created_at;
COMMENT ON TABLE ${schema}.outbox IS 'Transactional outbox read by the gateway''s Debezium engine from the WAL; each row is deleted in the transaction that inserts it, so the table stays empty';
