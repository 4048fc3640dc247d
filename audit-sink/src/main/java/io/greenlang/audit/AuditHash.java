package io.greenlang.audit;

import java.util.Objects;

import io.greenlang.common.json.Hashing;

/**
 * The chain's hash rule, in one place: {@code hash = lowercase hex(sha256(prev_hash || '\n' || canonical_json))}
 * over UTF-8, with {@link Hashing#ZERO_HASH} as the {@code prev_hash} of a chain's first event
 * (docs/audit-hash.md). {@code src/main/resources/io/greenlang/audit/verify-chain.sql} is the same rule in SQL.
 */
public final class AuditHash {

    private AuditHash() {
    }

    /**
     * The hash of one chain link.
     *
     * @param prevHash      the previous event's hash, or {@link Hashing#ZERO_HASH} for the first event
     * @param canonicalJson the event's canonical JSON ({@link AvroJson#canonicalJson})
     * @return 64 lower-case hex characters
     */
    public static String link(String prevHash, String canonicalJson) {
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(canonicalJson, "canonicalJson");
        return Hashing.sha256Hex(prevHash + "\n" + canonicalJson);
    }
}
