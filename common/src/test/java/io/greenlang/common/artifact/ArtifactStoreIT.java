package io.greenlang.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/** The artifact store against the local stack's real S3 server (s3proxy). */
@GreenLangIntegrationTest
class ArtifactStoreIT {

    private static Map<String, String> env(TestInfra infra) {
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.S3_ENDPOINT, infra.s3Endpoint().toString());
        env.put(GlConfig.S3_REGION, infra.localStack().s3Region());
        env.put(GlConfig.S3_ACCESS_KEY_ID, infra.localStack().s3AccessKey());
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, infra.localStack().s3SecretKey());
        env.put(GlConfig.S3_BUCKET, infra.bucket());
        return env;
    }

    private static ArtifactStore store(Map<String, String> env, SimpleMeterRegistry registry) {
        return ArtifactStore.fromConfig(GlConfig.load(env, Optional.empty()), new GlMeters(registry));
    }

    @Test
    void writesReadsListsAndHashesObjectsAndCountsRequests(TestInfra infra, @TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ArtifactStore store = store(env(infra), registry)) {
            S3Location folder = ArtifactLayout.stepFolder(infra.bucket(), "acme", "run-1", "data", 1);
            String sha = store.put(folder.resolve("input.json"), "{}".getBytes(StandardCharsets.UTF_8),
                    "application/json");
            Path file = Files.writeString(dir.resolve("d.csv"), "a,b\n1,2\n");
            ArtifactStore.StoredObject uploaded = store.putFile(folder.resolve("artifacts/d.csv"), file, "text/csv");

            assertThat(sha).isEqualTo(Hashing.sha256Hex("{}"));
            assertThat(new String(store.get(folder.resolve("input.json")), StandardCharsets.UTF_8)).isEqualTo("{}");
            assertThat(store.sha256Of(folder.resolve("artifacts/d.csv"))).isEqualTo(uploaded.sha256());
            assertThat(store.size(folder.resolve("artifacts/d.csv"))).contains(8L);
            assertThat(store.list(folder)).extracting(o -> o.location().key())
                    .containsExactly(folder.key() + "artifacts/d.csv", folder.key() + "input.json");
            assertThat(store.find(folder.resolve("result.json"))).isEmpty();
            assertThat(registry.get(GlMetrics.S3_REQUESTS.micrometerName()).tag("operation", "put").counter().count())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void missingObjectIsS3NotFoundAndCounted(TestInfra infra) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ArtifactStore store = store(env(infra), registry)) {
            assertThatThrownBy(() -> store.get(new S3Location(infra.bucket(), "nope/result.json")))
                    .isInstanceOfSatisfying(GreenLangException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.S3_NOT_FOUND));
            assertThat(registry.get(GlMetrics.S3_ERRORS.micrometerName()).tag("operation", "get")
                    .tag("error_code", "GL-E-S3-NOT-FOUND").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void wrongSecretIsS3AccessDenied(TestInfra infra) {
        Map<String, String> env = env(infra);
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, "not-the-secret");
        try (ArtifactStore store = store(env, new SimpleMeterRegistry())) {
            assertThatThrownBy(() -> store.put(new S3Location(infra.bucket(), "x.json"), new byte[1], "text/plain"))
                    .isInstanceOfSatisfying(GreenLangException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.S3_ACCESS_DENIED);
                        assertThat(e.isRetryable()).isFalse();
                    });
        }
    }

    @Test
    void unreachableEndpointIsS3TimeoutAndRetryable(TestInfra infra) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = env(infra);
        env.put(GlConfig.S3_ENDPOINT, "http://127.0.0.1:" + closedPort);
        try (S3Client client = ArtifactStore.client(GlConfig.load(env, Optional.empty()), Duration.ofSeconds(3));
             ArtifactStore store = new ArtifactStore(client, new GlMeters(new SimpleMeterRegistry()))) {
            assertThatThrownBy(() -> store.get(new S3Location(infra.bucket(), "x.json")))
                    .isInstanceOfSatisfying(GreenLangException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.S3_TIMEOUT);
                        assertThat(e.isRetryable()).isTrue();
                    });
        }
    }
}
