package io.greenlang.audit;

import java.util.List;

/**
 * What one {@link AuditStore#append} did.
 *
 * @param appended the new chain links, in append order
 * @param skipped  records not appended because they were already stored (redelivery), in input order
 */
public record AppendResult(List<Appended> appended, List<Skipped> skipped) {

    /** Copies the lists. */
    public AppendResult {
        appended = List.copyOf(appended);
        skipped = List.copyOf(skipped);
    }

    /**
     * One appended event.
     *
     * @param chainId  its chain
     * @param seq      its position in the chain, from 1
     * @param eventId  its event id
     * @param prevHash the previous link's hash
     * @param hash     its hash
     */
    public record Appended(String chainId, long seq, String eventId, String prevHash, String hash) {
    }

    /**
     * One record not appended.
     *
     * @param record the record
     * @param reason why
     */
    public record Skipped(AuditRecord record, Reason reason) {
    }

    /** Why a record was skipped; neither advances its chain. */
    public enum Reason {
        /** Its (topic, partition, offset) is already stored, or occurs earlier in the same batch. */
        ALREADY_STORED,
        /** Another record with its event id is already stored or occurs earlier in the same batch. */
        DUPLICATE_EVENT_ID
    }
}
