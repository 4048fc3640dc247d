package io.greenlang.audit;

import java.util.Map;
import java.util.Objects;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * The outcome of recomputing one chain ({@link AuditStore#verifyChain}).
 *
 * @param chainId     the chain
 * @param events      how many events were read before the first problem, or in all if valid
 * @param problem     {@link Problem#NONE} if the chain is intact
 * @param firstBadSeq the first seq that does not verify (for a gap: the missing seq), or 0 if valid
 * @param detail      what was found, for people; empty if valid
 */
public record ChainVerification(String chainId, long events, Problem problem, long firstBadSeq, String detail) {

    /** What can be wrong with a chain. */
    public enum Problem {
        /** Intact. */
        NONE,
        /** A stored hash differs from the recomputed one: canonical_json or hash was changed. */
        HASH_MISMATCH,
        /** prev_hash is not the previous event's hash: events were reordered, replaced or re-linked. */
        PREV_HASH_MISMATCH,
        /** A seq is missing (an event was deleted) or the chain does not start at 1. */
        SEQ_GAP,
        /** The chain head disagrees with the last event: the tail was deleted or the head was changed. */
        HEAD_MISMATCH
    }

    /** Validates the fields. */
    public ChainVerification {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(detail, "detail");
    }

    /** An intact chain of {@code events} events. */
    public static ChainVerification intactChain(String chainId, long events) {
        return new ChainVerification(chainId, events, Problem.NONE, 0, "");
    }

    /** True if every event verified and the head matches the last one. */
    public boolean valid() {
        return problem == Problem.NONE;
    }

    /** {@link ErrorCode#AUDIT_CHAIN_BROKEN} if broken, else null. */
    public ErrorCode errorCode() {
        return valid() ? null : ErrorCode.AUDIT_CHAIN_BROKEN;
    }

    /**
     * Throws if the chain is broken.
     *
     * @throws GreenLangException with {@link ErrorCode#AUDIT_CHAIN_BROKEN}, details chain_id, seq and problem
     */
    public void throwIfBroken() {
        if (!valid()) {
            throw new GreenLangException(ErrorCode.AUDIT_CHAIN_BROKEN,
                    "Audit chain " + chainId + " broken at seq " + firstBadSeq + ": " + detail, null,
                    Map.of("chain_id", chainId, "seq", firstBadSeq, "problem", problem.name()));
        }
    }
}
