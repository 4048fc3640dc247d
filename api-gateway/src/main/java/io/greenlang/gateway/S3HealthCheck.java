package io.greenlang.gateway;

import java.util.Objects;

import io.greenlang.common.http.HealthCheck;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Readiness of the artifact store: the bucket exists and the credentials may reach it (one HEAD request).
 * Run artifacts (step inputs and results) live there, and the audit package links to them.
 */
public final class S3HealthCheck implements HealthCheck {

    /** The check's name in the readiness body. */
    public static final String NAME = "s3";

    private final S3Client s3;
    private final String bucket;

    /**
     * @param s3     a client with a short call timeout, owned by the caller
     * @param bucket the artifact bucket ({@code GL_S3_BUCKET})
     */
    public S3HealthCheck(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result check() {
        try {
            s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
            return Result.up("bucket " + bucket + " reachable");
        } catch (S3Exception e) {
            return Result.down("bucket " + bucket + ": HTTP " + e.statusCode() + " "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()));
        }
    }
}
