package io.greenlang.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.agents.AgentRuns.Attempt;
import io.greenlang.agents.testing.TestAgents;
import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * The shaded jar run as the executors run it: a child process {@code java -jar target/greenlang-agents.jar <ID>}
 * with only the contract's environment, against the real S3 server. Failsafe runs after {@code package}, so the jar
 * is there; the tests are skipped when it is not (an IDE run without packaging).
 */
@GreenLangIntegrationTest
class AgentJarIT {

    private static final Logger log = LoggerFactory.getLogger(AgentJarIT.class);
    private static final Path JAR = Path.of("target", "greenlang-agents.jar");
    private static final Duration PROCESS_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path logs;

    @BeforeAll
    static void requireJar() {
        assumeTrue(Files.isRegularFile(JAR), "no " + JAR.toAbsolutePath() + ": run `mvn package` first");
    }

    /** A started agent process and the file its output goes to. */
    private record Launched(Process process, Path log) {
        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        int awaitExit() throws Exception {
            assertThat(process.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("exited in time").isTrue();
            return process.exitValue();
        }
    }

    private Launched launch(String agentId, Map<String, String> env) throws IOException {
        Path log = Files.createTempFile(logs, agentId, ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), agentId)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return new Launched(builder.start(), log);
    }

    private int runToExit(String agentId, Attempt attempt) throws Exception {
        Launched launched = launch(agentId, attempt.env());
        int exit = launched.awaitExit();
        log.info("{} exited {}; its output:\n{}", agentId, exit, launched.output());
        return exit;
    }

    private static Attempt prepare(TestInfra infra, ArtifactStore store, String agentId) {
        return AgentRuns.prepare(infra, store, AgentRuns.newRunId(), "step", agentId, Map.of(), Map.of());
    }

    @Test
    void shouldRunTheNoopAgentAsAChildProcessAndWriteAResultWithProvenance(TestInfra infra) throws Exception {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = prepare(infra, store, TestAgents.NOOP);

            assertThat(runToExit(TestAgents.NOOP, attempt)).isZero();

            StepResult result = StepResult.parse(store.get(attempt.folder().resolve(ArtifactLayout.RESULT_FILE)));
            assertThat(result.status()).isEqualTo(StepResult.Status.SUCCEEDED);
            assertThat(result.outputs()).isEmpty();
            assertThat(result.provenance().agentId()).isEqualTo(TestAgents.NOOP);
            assertThat(result.provenance().inputSha256()).isEqualTo(Hashing.sha256Hex(attempt.input()));
        }
    }

    @Test
    void shouldExitThreeWithoutAResultForTheCrashAgent(TestInfra infra) throws Exception {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = prepare(infra, store, TestAgents.CRASH);

            assertThat(runToExit(TestAgents.CRASH, attempt)).isEqualTo(TestAgents.CRASH_EXIT_CODE);

            assertThat(store.find(attempt.folder().resolve(ArtifactLayout.RESULT_FILE))).isEmpty();
        }
    }

    @Test
    void shouldExitZeroWithoutAResultForTheNoResultAgent(TestInfra infra) throws Exception {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = prepare(infra, store, TestAgents.NO_RESULT);

            assertThat(runToExit(TestAgents.NO_RESULT, attempt)).isZero();

            assertThat(store.find(attempt.folder().resolve(ArtifactLayout.RESULT_FILE))).isEmpty();
        }
    }

    @Test
    void shouldWriteResultsTheWorkerRejectsForTheBrokenOutputAgents(TestInfra infra) throws Exception {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt bad = prepare(infra, store, TestAgents.BAD_OUTPUT);
            Attempt noProvenance = prepare(infra, store, TestAgents.NO_PROVENANCE);
            Attempt mismatch = prepare(infra, store, TestAgents.HASH_MISMATCH);

            assertThat(runToExit(TestAgents.BAD_OUTPUT, bad)).isZero();
            assertThat(runToExit(TestAgents.NO_PROVENANCE, noProvenance)).isZero();
            assertThat(runToExit(TestAgents.HASH_MISMATCH, mismatch)).isZero();

            assertCode(() -> StepResult.parse(store.get(bad.folder().resolve(ArtifactLayout.RESULT_FILE))),
                    ErrorCode.AGENT_OUTPUT_INVALID);
            assertCode(() -> StepResult.parse(store.get(noProvenance.folder().resolve(ArtifactLayout.RESULT_FILE))),
                    ErrorCode.PROVENANCE_MISSING);
            StepResult declared = StepResult.parse(store.get(mismatch.folder().resolve(ArtifactLayout.RESULT_FILE)));
            assertThat(declared.provenance().inputSha256()).isEqualTo(Hashing.sha256Hex(mismatch.input()));
            StepResult.Artifact artifact = declared.artifacts().get(0);
            assertThat(store.size(mismatch.folder().resolve(artifact.path()))).contains(artifact.size());
            assertThat(store.sha256Of(mismatch.folder().resolve(artifact.path()))).isNotEqualTo(artifact.sha256());
        }
    }

    @Test
    void shouldBlockUntilKilledForTheHangAgent(TestInfra infra) throws Exception {
        try (ArtifactStore store = AgentRuns.store(infra)) {
            Attempt attempt = prepare(infra, store, TestAgents.HANG);
            Launched launched = launch(TestAgents.HANG, attempt.env());
            try {
                await().atMost(PROCESS_LIMIT).pollInterval(Duration.ofMillis(100))
                        .until(() -> launched.output().contains("blocks until the process is killed"));
                assertThat(launched.process().isAlive()).isTrue();
            } finally {
                launched.process().destroy();
            }
            assertThat(launched.process().waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(store.find(attempt.folder().resolve(ArtifactLayout.RESULT_FILE))).isEmpty();
        }
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GreenLangException.class,
                e -> assertThat(e.errorCode()).isEqualTo(code));
    }
}
