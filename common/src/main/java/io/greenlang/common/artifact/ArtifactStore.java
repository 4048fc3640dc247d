package io.greenlang.common.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The artifact bucket, as the worker and the agents use it: small JSON documents, files, listings. Every
 * request is counted in {@code gl_s3_requests_total{operation}}; every failure is mapped to a GL-E-S3-* code,
 * counted in {@code gl_s3_errors_total{operation,error_code}} and thrown as a {@link GreenLangException}:
 *
 * <ul>
 *   <li>403, {@code AccessDenied}, {@code InvalidAccessKeyId}, {@code SignatureDoesNotMatch}:
 *       GL-E-S3-ACCESS-DENIED (not retried: the credentials or the policy must change);</li>
 *   <li>404, {@code NoSuchKey}, {@code NoSuchBucket}: GL-E-S3-NOT-FOUND;</li>
 *   <li>a call or attempt timeout, a connection failure, a 5xx (after the SDK's own retries):
 *       GL-E-S3-TIMEOUT (retried with exponential backoff by whoever owns the step).</li>
 * </ul>
 *
 * <p>Not closed by this class when given a client; {@link #fromConfig} builds and owns one.
 */
public final class ArtifactStore implements AutoCloseable {

    /** Default limit of one S3 call, retries included. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final S3Client s3;
    private final boolean ownsClient;
    private final GlMeters meters;

    /**
     * @param s3     the client
     * @param meters where to count requests and failures
     */
    public ArtifactStore(S3Client s3, GlMeters meters) {
        this(s3, false, meters);
    }

    private ArtifactStore(S3Client s3, boolean ownsClient, GlMeters meters) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.ownsClient = ownsClient;
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /**
     * A store over a client built from {@code GL_S3_*}: endpoint (path-style when set, for MinIO and the local
     * stack), region, static credentials when both keys are set (else the default AWS chain), TLS verification
     * off only when {@code GL_S3_VERIFY_SSL=false}.
     */
    public static ArtifactStore fromConfig(GlConfig config, GlMeters meters) {
        return new ArtifactStore(client(config, DEFAULT_CALL_TIMEOUT), true, meters);
    }

    /** An S3 client configured from {@code GL_S3_*}, for callers that need the SDK itself. */
    public static S3Client client(GlConfig config, Duration callTimeout) {
        AttributeMap.Builder http = AttributeMap.builder();
        if (!config.s3VerifySsl()) {
            http.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE);
        }
        var builder = S3Client.builder()
                .region(Region.of(config.s3Region()))
                .credentialsProvider(credentials(config))
                .httpClient(UrlConnectionHttpClient.builder().buildWithDefaults(http.build()))
                .overrideConfiguration(o -> o.apiCallTimeout(callTimeout)
                        .apiCallAttemptTimeout(callTimeout.dividedBy(3)));
        config.s3Endpoint().ifPresent(endpoint -> builder.endpointOverride(withScheme(endpoint, config.s3UseSsl()))
                .forcePathStyle(true));
        return builder.build();
    }

    private static URI withScheme(URI endpoint, boolean useSsl) {
        if (endpoint.getScheme() != null) {
            return endpoint;
        }
        return URI.create((useSsl ? "https://" : "http://") + endpoint);
    }

    private static AwsCredentialsProvider credentials(GlConfig config) {
        Optional<String> key = config.s3AccessKeyId();
        if (key.isPresent() && config.s3SecretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.get(),
                    config.s3SecretAccessKey().get().value()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The client underneath. */
    public S3Client s3() {
        return s3;
    }

    /** Writes {@code bytes} to {@code location}; returns their SHA-256 (hex). */
    public String put(S3Location location, byte[] bytes, String contentType) {
        call("put", location, () -> s3.putObject(r -> r.bucket(location.bucket()).key(location.key())
                .contentType(contentType), RequestBody.fromBytes(bytes)));
        return Hashing.sha256Hex(bytes);
    }

    /** Uploads {@code file} to {@code location}; returns its SHA-256 (hex) and size. */
    public StoredObject putFile(S3Location location, Path file, String contentType) {
        String sha = sha256Hex(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        call("put", location, () -> s3.putObject(r -> r.bucket(location.bucket()).key(location.key())
                .contentType(contentType), RequestBody.fromFile(file)));
        return new StoredObject(location, sha, size);
    }

    /** The object's bytes. */
    public byte[] get(S3Location location) {
        return call("get", location, () -> s3.getObjectAsBytes(r -> r.bucket(location.bucket())
                .key(location.key())).asByteArray());
    }

    /** The object's bytes, or empty when there is no such object. */
    public Optional<byte[]> find(S3Location location) {
        try {
            return Optional.of(get(location));
        } catch (GreenLangException e) {
            if (e.errorCode() == ErrorCode.S3_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Downloads the object to {@code target} (replaced) and returns its SHA-256 and size. */
    public StoredObject download(S3Location location, Path target) {
        call("get", location, () -> {
            try (InputStream in = s3.getObject(r -> r.bucket(location.bucket()).key(location.key()))) {
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return null;
            } catch (IOException e) {
                throw SdkClientException.create("reading " + location + " failed: " + e.getMessage(), e);
            }
        });
        try {
            return new StoredObject(location, sha256Hex(target), Files.size(target));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target, e);
        }
    }

    /** Size of the object, or empty when there is none. */
    public Optional<Long> size(S3Location location) {
        try {
            HeadObjectResponse head = call("head", location, () -> s3.headObject(r -> r.bucket(location.bucket())
                    .key(location.key())));
            return Optional.of(head.contentLength());
        } catch (GreenLangException e) {
            if (e.errorCode() == ErrorCode.S3_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** SHA-256 of the object's content, computed by reading it. */
    public String sha256Of(S3Location location) {
        return call("get", location, () -> {
            MessageDigest digest = Hashing.newSha256();
            try (InputStream in = new DigestInputStream(s3.getObject(r -> r.bucket(location.bucket())
                    .key(location.key())), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw SdkClientException.create("reading " + location + " failed: " + e.getMessage(), e);
            }
            return HexFormat.of().formatHex(digest.digest());
        });
    }

    /** Every object under {@code prefix}, in key order. */
    public List<StoredObject> list(S3Location prefix) {
        List<StoredObject> objects = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call("list", prefix, () -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(prefix.bucket()).prefix(prefix.key()).continuationToken(continuation).build()));
            for (S3Object o : page.contents()) {
                objects.add(new StoredObject(new S3Location(prefix.bucket(), o.key()), null, o.size()));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return objects;
    }

    /** Deletes the object (no error when there is none). */
    public void delete(S3Location location) {
        call("delete", location, () -> s3.deleteObject(r -> r.bucket(location.bucket()).key(location.key())));
    }

    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    private <T> T call(String operation, S3Location location, Supplier<T> request) {
        meters.counter(GlMetrics.S3_REQUESTS, operation).increment();
        try {
            return request.get();
        } catch (SdkException e) {
            GreenLangException mapped = map(operation, location, e);
            meters.counter(GlMetrics.S3_ERRORS, operation, mapped.errorCode().code()).increment();
            throw mapped;
        }
    }

    /** The GL-E-S3-* failure for an SDK exception. */
    public static GreenLangException map(String operation, S3Location location, SdkException e) {
        String where = operation + " " + location;
        if (e instanceof NoSuchKeyException || e instanceof NoSuchBucketException) {
            return new GreenLangException(ErrorCode.S3_NOT_FOUND, where + ": no such object", e);
        }
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            if (status == 404 || "NoSuchKey".equals(code) || "NoSuchBucket".equals(code)) {
                return new GreenLangException(ErrorCode.S3_NOT_FOUND, where + ": no such object or bucket", e);
            }
            if (status == 403 || status == 401 || "AccessDenied".equals(code) || "InvalidAccessKeyId".equals(code)
                    || "SignatureDoesNotMatch".equals(code)) {
                return new GreenLangException(ErrorCode.S3_ACCESS_DENIED, where + ": access denied ("
                        + (code == null ? "HTTP " + status : code) + "); check GL_S3_ACCESS_KEY_ID / "
                        + "GL_S3_SECRET_ACCESS_KEY or the bucket policy", e);
            }
            return new GreenLangException(ErrorCode.S3_TIMEOUT, where + ": S3 answered HTTP " + status
                    + (code == null ? "" : " " + code), e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new GreenLangException(ErrorCode.S3_TIMEOUT, where + ": timed out", e);
        }
        return new GreenLangException(ErrorCode.S3_TIMEOUT, where + ": S3 unreachable: " + e.getMessage(), e);
    }

    private static String sha256Hex(Path file) {
        MessageDigest digest = Hashing.newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * An object in the bucket.
     *
     * @param location where
     * @param sha256   its SHA-256 (hex) when known, else null
     * @param size     its size in bytes
     */
    public record StoredObject(S3Location location, String sha256, long size) {
    }
}
