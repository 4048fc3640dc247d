package io.greenlang.common.json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 helpers for the audit hash chain and artifact provenance: digests as lower-case hex, the form stored
 * in PostgreSQL and compared with {@code encode(digest(...), 'hex')} in SQL. Strings are hashed as UTF-8.
 *
 * <p>Must never be used for passwords or keys (no salt, no stretching): it identifies content, it does not
 * protect secrets.
 */
public final class Hashing {

    /** Hex of 32 zero bytes: the {@code prev_hash} of the first event of a chain. */
    public static final String ZERO_HASH = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private Hashing() {
    }

    /**
     * SHA-256 of bytes.
     *
     * @param bytes the input
     * @return the 32-byte digest
     */
    public static byte[] sha256(byte[] bytes) {
        return newSha256().digest(bytes);
    }

    /**
     * SHA-256 of bytes as 64 lower-case hex characters.
     *
     * @param bytes the input
     * @return the hex digest
     */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256(bytes));
    }

    /**
     * SHA-256 of the UTF-8 encoding of a string as 64 lower-case hex characters.
     *
     * @param text the input
     * @return the hex digest
     */
    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A new SHA-256 digest, for hashing a stream in pieces.
     *
     * @return the digest
     */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
