package io.greenlang.audit;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The audit package of one run: every chain whose key is the run id, with all its events as stored, so that the
 * chains can be checked offline without the database ({@link AuditPackages#verify}). Serialised as JSON with
 * snake_case fields; the format is {@value #FORMAT} (docs/audit-hash.md, "Audit packages").
 *
 * @param format      always {@value #FORMAT}; a reader rejects any other value
 * @param runId       the run
 * @param generatedAt when the package was built
 * @param chainValid  true if every chain verified when the package was built
 * @param chains      the run's chains in chain id order
 */
@JsonPropertyOrder({"format", "run_id", "generated_at", "chain_valid", "chains"})
public record AuditPackage(
        @JsonProperty("format") String format,
        @JsonProperty("run_id") String runId,
        @JsonProperty("generated_at") Instant generatedAt,
        @JsonProperty("chain_valid") boolean chainValid,
        @JsonProperty("chains") List<Chain> chains) {

    /** The format version written in {@code format}. */
    public static final String FORMAT = "greenlang-audit-package/1";

    /** Copies the chain list (null stays null, for the verifier to reject). */
    public AuditPackage {
        chains = chains == null ? null : List.copyOf(chains);
    }

    /**
     * One chain of the run, as it was read.
     *
     * @param chainId     {@code <topic>/<run id>}
     * @param chainValid  true if the chain verified when read (events and head)
     * @param headSeq     the stored chain head's seq, or null if the chain has no head row
     * @param headHash    the stored chain head's hash, or null if the chain has no head row
     * @param problem     what was wrong ({@link ChainVerification.Problem}), or null if valid
     * @param firstBadSeq the first seq that did not verify, or null if valid
     * @param detail      what was found, for people, or null if valid
     * @param events      every stored event of the chain in seq order
     */
    @JsonPropertyOrder({"chain_id", "chain_valid", "head_seq", "head_hash", "problem", "first_bad_seq", "detail",
            "events"})
    public record Chain(
            @JsonProperty("chain_id") String chainId,
            @JsonProperty("chain_valid") boolean chainValid,
            @JsonProperty("head_seq") Long headSeq,
            @JsonProperty("head_hash") String headHash,
            @JsonProperty("problem") String problem,
            @JsonProperty("first_bad_seq") Long firstBadSeq,
            @JsonProperty("detail") String detail,
            @JsonProperty("events") List<Event> events) {

        /** Copies the event list (null stays null, for the verifier to reject). */
        public Chain {
            events = events == null ? null : List.copyOf(events);
        }
    }

    /**
     * One stored event: a row of {@code audit_events}.
     *
     * @param seq           position in the chain, from 1
     * @param eventId       {@code meta.event_id}
     * @param eventType     full Avro name of the event
     * @param topic         Kafka topic it was read from
     * @param partition     its partition
     * @param offset        its offset
     * @param occurredAt    {@code meta.occurred_at}
     * @param recordedAt    when the store appended it
     * @param tenantId      {@code meta.tenant_id}
     * @param prevHash      the previous event's hash (64 zeros for seq 1)
     * @param hash          this event's hash
     * @param canonicalJson the exact stored canonical JSON, the text that is hashed
     */
    @JsonPropertyOrder({"seq", "event_id", "event_type", "topic", "partition", "offset", "occurred_at",
            "recorded_at", "tenant_id", "prev_hash", "hash", "canonical_json"})
    public record Event(
            @JsonProperty("seq") long seq,
            @JsonProperty("event_id") String eventId,
            @JsonProperty("event_type") String eventType,
            @JsonProperty("topic") String topic,
            @JsonProperty("partition") int partition,
            @JsonProperty("offset") long offset,
            @JsonProperty("occurred_at") Instant occurredAt,
            @JsonProperty("recorded_at") Instant recordedAt,
            @JsonProperty("tenant_id") String tenantId,
            @JsonProperty("prev_hash") String prevHash,
            @JsonProperty("hash") String hash,
            @JsonProperty("canonical_json") String canonicalJson) {
    }
}
