package io.greenlang.common.artifact;

import java.util.Objects;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * A bucket and an object key (or key prefix), written {@code s3://bucket/key}.
 *
 * @param bucket the bucket
 * @param key    the object key or a prefix ending in {@code /}; never starts with {@code /}
 */
public record S3Location(String bucket, String key) {

    /** The URI scheme. */
    public static final String SCHEME = "s3://";

    /** Validates. */
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isBlank() || bucket.contains("/")) {
            throw new IllegalArgumentException("bucket must be a plain bucket name, got '" + bucket + "'");
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("key must not start with '/', got '" + key + "'");
        }
    }

    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws GreenLangException GL-E-S3-NOT-FOUND when {@code uri} is not an S3 URI (nothing can be found there)
     */
    public static S3Location parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new GreenLangException(ErrorCode.S3_NOT_FOUND, "not an S3 URI (s3://bucket/key): '" + uri + "'");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new GreenLangException(ErrorCode.S3_NOT_FOUND, "S3 URI without a key: '" + uri + "'");
        }
        return new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The location of {@code relative} under this prefix ({@code /} inserted when missing). */
    public S3Location resolve(String relative) {
        Objects.requireNonNull(relative, "relative");
        String base = key.isEmpty() || key.endsWith("/") ? key : key + "/";
        return new S3Location(bucket, base + (relative.startsWith("/") ? relative.substring(1) : relative));
    }

    /** {@code s3://bucket/key}. */
    public String uri() {
        return SCHEME + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return uri();
    }
}
