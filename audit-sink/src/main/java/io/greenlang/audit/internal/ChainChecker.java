package io.greenlang.audit.internal;

import io.greenlang.audit.AuditHash;
import io.greenlang.audit.ChainVerification;
import io.greenlang.audit.ChainVerification.Problem;
import io.greenlang.common.json.Hashing;

/**
 * Recomputes one chain from its rows fed in seq order, stopping at the first problem. Holds only the previous
 * link, so a chain of any length is checked in constant memory. Not thread-safe; one instance per chain.
 */
public final class ChainChecker {

    private final String chainId;
    private long lastSeq;
    private String lastHash = Hashing.ZERO_HASH;
    private ChainVerification failure;

    /** @param chainId the chain being checked */
    public ChainChecker(String chainId) {
        this.chainId = chainId;
    }

    /**
     * Checks the next row.
     *
     * @return false once a problem was found (further rows are ignored)
     */
    public boolean accept(long seq, String prevHash, String hash, String canonicalJson) {
        if (failure != null) {
            return false;
        }
        long expectedSeq = lastSeq + 1;
        if (seq != expectedSeq) {
            return fail(Problem.SEQ_GAP, expectedSeq, "expected seq " + expectedSeq + ", found " + seq);
        }
        if (!lastHash.equals(prevHash)) {
            return fail(Problem.PREV_HASH_MISMATCH, seq,
                    "prev_hash " + prevHash + " is not the previous event's hash " + lastHash);
        }
        String recomputed = AuditHash.link(prevHash, canonicalJson);
        if (!recomputed.equals(hash)) {
            return fail(Problem.HASH_MISMATCH, seq, "stored hash " + hash + ", recomputed " + recomputed);
        }
        lastSeq = seq;
        lastHash = hash;
        return true;
    }

    /**
     * The result, given the chain head as stored (null if there is no head row).
     */
    public ChainVerification finish(Long headSeq, String headHash) {
        if (failure != null) {
            return failure;
        }
        if (headSeq == null) {
            return lastSeq == 0 ? ChainVerification.intactChain(chainId, 0)
                    : result(Problem.HEAD_MISMATCH, lastSeq, "events up to seq " + lastSeq + " but no chain head");
        }
        if (headSeq != lastSeq || !lastHash.equals(headHash)) {
            return result(Problem.HEAD_MISMATCH, headSeq == lastSeq ? lastSeq : Math.min(headSeq, lastSeq) + 1,
                    "head is seq " + headSeq + " hash " + headHash + ", last event is seq " + lastSeq + " hash " + lastHash);
        }
        return ChainVerification.intactChain(chainId, lastSeq);
    }

    private boolean fail(Problem problem, long seq, String detail) {
        failure = result(problem, seq, detail);
        return false;
    }

    private ChainVerification result(Problem problem, long seq, String detail) {
        return new ChainVerification(chainId, lastSeq, problem, seq, detail);
    }
}
