package io.greenlang.executor.worker;

import java.time.Duration;
import java.util.ArrayList;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.common.kafka.DeadLetterEvents;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import static io.greenlang.executor.worker.WorkerHarness.TIMEOUT;
import static io.greenlang.executor.worker.WorkerHarness.cancelOf;
import static io.greenlang.executor.worker.WorkerHarness.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.executor.worker.testagents.TestAgent;
import io.greenlang.executor.worker.testagents.TestAgent.Behaviour;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * The worker with the local executor against the real broker and S3 server, running {@link TestAgent}s as child
 * processes: the hand-over end to end, each way an agent can fail, timeouts, cancels, redelivered commands, the
 * parallelism limit and S3 failures. Most tests share one worker; those that need other settings start their own.
 */
@GreenLangIntegrationTest
class StepWorkerIT {

    @TempDir
    static Path sharedState;
    @TempDir
    Path scratch;

    private static WorkerHarness shared;

    @BeforeAll
    static void startSharedWorker(TestInfra infra) {
        shared = WorkerHarness.withWorker(infra, "shared", sharedState, Map.of());
    }

    @AfterAll
    static void stopSharedWorker() {
        shared.close();
        // a closed worker leaves its agents running (the next worker adopts them); a failed test must not leave
        // a hanging test agent behind on the build machine
        ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(TestAgent.class.getName()))
                .forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void shouldRunAStepEndToEndWithInputResultAndLogsInS3AndStartedHeartbeatSucceededOnTheTopic() throws Exception {
        Path release = scratch.resolve("release");
        StepCommand command = WorkerHarness.command("run-e2e", "report", 1, StepAction.START,
                "GL-E2E-TEST", WorkerHarness.agentCommand(Behaviour.WAIT_FOR_FILE),
                Map.of(TestAgent.RELEASE_FILE, release.toString(), "dataset", "s3://elsewhere/data.csv"), 120);
        shared.send(command);

        StepEvent started = shared.awaitEvent("run-e2e", "report", StepEventKind.STARTED);
        shared.awaitEvent("run-e2e", "report", StepEventKind.HEARTBEAT);
        await().atMost(TIMEOUT).until(() -> shared.worker.activeSteps() == 1);
        Files.writeString(release, "go");
        StepEvent succeeded = shared.awaitEvent("run-e2e", "report", StepEventKind.SUCCEEDED);

        S3Location folder = ArtifactLayout.stepFolder(shared.infra.bucket(), WorkerHarness.TENANT, "run-e2e", "report",
                1);
        S3Location result = folder.resolve(ArtifactLayout.RESULT_FILE);
        RunContext input = RunContext.parse(shared.store.get(folder.resolve(ArtifactLayout.INPUT_FILE)));
        assertThat(input.agent()).isEqualTo("GL-E2E-TEST");
        assertThat(input.parameters()).containsEntry("year", "2025");
        assertThat(input.inputs()).containsEntry("dataset", "s3://elsewhere/data.csv");
        assertThat(input.outputUri()).isEqualTo(folder.uri());
        assertThat(new String(shared.store.get(folder.resolve(ArtifactLayout.LOGS_FILE)), StandardCharsets.UTF_8))
                .contains("test agent GL-E2E-TEST running WAIT_FOR_FILE", "result.json written");
        assertThat(started.getMeta().getTenantId()).isEqualTo(WorkerHarness.TENANT);
        assertThat(started.getMeta().getTraceId()).isEqualTo(command.getMeta().getTraceId());
        assertThat(succeeded.getOutputs()).containsEntry("greeting", "hello").containsEntry("result", result.uri());
        assertThat(succeeded.getOutputUri()).isEqualTo(result.uri());
        assertThat(succeeded.getOutputSha256()).isEqualTo(Hashing.sha256Hex(shared.store.get(result)));
        assertThat(succeeded.getExitCode()).isZero();
        assertThat(succeeded.getDurationMs()).isPositive();
        assertThat(succeeded.getErrorCode()).isNull();
        await().atMost(TIMEOUT).until(() -> shared.worker.activeSteps() == 0);
        assertThat(shared.registry.get(GlMetrics.STEP_COMPLETED.micrometerName()).tag("agent_id", "GL-E2E-TEST")
                .tag("status", "success").counter().count()).isEqualTo(1.0);
        assertThat(shared.registry.get(GlMetrics.STEP_DURATION.micrometerName()).tag("agent_id", "GL-E2E-TEST")
                .timer().count()).isEqualTo(1);
        assertThat(shared.registry.scrape()).contains("gl_active_steps");
        assertThat(shared.worker.healthCheck().check().isUp()).isTrue();
        assertThat(sharedState.resolve("attempts/run-e2e/report.1/reported")).exists();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "CRASH,          GL-E-AGENT-CRASH,          3",
            "NO_RESULT,      GL-E-AGENT-OUTPUT-INVALID, 0",
            "GARBAGE,        GL-E-AGENT-OUTPUT-INVALID, 0",
            "NO_PROVENANCE,  GL-E-PROVENANCE-MISSING,   0",
            "WRONG_HASH,     GL-E-PROVENANCE-MISMATCH,  0",
            "REPORT_FAILURE, GL-E-DATA-SCHEMA,          0"})
    void shouldReportTheErrorCodeOfEachWayAnAgentFails(Behaviour behaviour, String code, int exitCode) {
        String run = "run-" + behaviour.name().toLowerCase().replace('_', '-');
        shared.send(start(run, "step", behaviour, Map.of(), 120));

        StepEvent failed = shared.awaitEvent(run, "step", StepEventKind.FAILED);

        assertThat(failed.getErrorCode()).isEqualTo(code);
        assertThat(failed.getExitCode()).isEqualTo(exitCode);
        assertThat(failed.getRetryable()).as("none of these codes is retried").isFalse();
        assertThat(failed.getErrorMessage()).isNotBlank();
        assertThat(shared.events(run)).extracting(StepEvent::getKind).doesNotContain(StepEventKind.SUCCEEDED);
    }

    @Test
    void shouldStopAHangingAgentAtTheStepTimeoutWithAgentTimeout() {
        shared.send(start("run-timeout", "hang", Behaviour.HANG, Map.of(), 2));

        StepEvent failed = shared.awaitEvent("run-timeout", "hang", StepEventKind.FAILED);

        assertThat(failed.getErrorCode()).isEqualTo("GL-E-AGENT-TIMEOUT");
        assertThat(failed.getRetryable()).isTrue();
        assertThat(failed.getDurationMs()).isGreaterThanOrEqualTo(2_000);
    }

    @Test
    void shouldKillTheAgentsProcessTreeOnCancelAndAcknowledgeWithFailedWithoutACode() throws Exception {
        Path pids = scratch.resolve("pids");
        StepCommand start = start("run-cancel", "hang", Behaviour.SPAWN_AND_HANG,
                Map.of(TestAgent.PID_FILE, pids.toString()), 300);
        shared.send(start);
        shared.awaitEvent("run-cancel", "hang", StepEventKind.STARTED);
        await().atMost(TIMEOUT).until(() -> Files.exists(pids));
        List<Long> tree = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(tree).hasSize(2).allMatch(StepWorkerIT::alive);

        shared.send(cancelOf(start));

        StepEvent failed = shared.awaitEvent("run-cancel", "hang", StepEventKind.FAILED);
        assertThat(failed.getErrorCode()).isNull();
        assertThat(failed.getErrorMessage()).isEqualTo("cancelled on request");
        assertThat(tree).noneMatch(StepWorkerIT::alive);
    }

    @Test
    void shouldAdoptARedeliveredStartAndRunTheAgentExactlyOnce() throws Exception {
        Path count = scratch.resolve("count");
        Path release = scratch.resolve("release");
        StepCommand start = start("run-redelivered", "once", Behaviour.WAIT_FOR_FILE,
                Map.of(TestAgent.COUNT_FILE, count.toString(), TestAgent.RELEASE_FILE, release.toString()), 120);
        shared.send(start);
        shared.awaitEvent("run-redelivered", "once", StepEventKind.STARTED);
        await().atMost(TIMEOUT).until(() -> Files.exists(count));

        shared.send(start);
        shared.awaitEvents("run-redelivered", e -> e.getKind() == StepEventKind.STARTED, 2);
        Files.writeString(release, "go");
        StepEvent first = shared.awaitEvent("run-redelivered", "once", StepEventKind.SUCCEEDED);
        await().atMost(TIMEOUT).until(() -> shared.worker.activeSteps() == 0);
        // once more after the end: adopted as ended, the outcome is reported again
        shared.send(start);
        List<StepEvent> succeeded = shared.awaitEvents("run-redelivered",
                e -> e.getKind() == StepEventKind.SUCCEEDED, 2);

        assertThat(Files.readAllLines(count)).hasSize(1);
        assertThat(succeeded.get(1).getOutputSha256()).isEqualTo(first.getOutputSha256());
        assertThat(shared.events("run-redelivered")).extracting(StepEvent::getKind)
                .containsSubsequence(StepEventKind.STARTED, StepEventKind.STARTED, StepEventKind.SUCCEEDED,
                        StepEventKind.STARTED, StepEventKind.SUCCEEDED);
    }

    @Test
    void shouldWriteAnUndecodableCommandToTheDeadLetterTopicAndGoOnWithTheNextCommand(TestInfra infra) {
        String commands = shared.catalog.stepCommands().name();
        String dlq = shared.catalog.deadLetters().name();
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(infra.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], DeadLetter> letters = new KafkaConsumer<>(infra.consumerProperties("dlq-reader"),
                     new ByteArrayDeserializer(), shared.catalog.deadLetters().valueSerde().deserializer())) {
            // same key as the next command: same partition, so the worker must get past the poison record
            raw.send(new ProducerRecord<>(commands, "run-poison".getBytes(StandardCharsets.UTF_8),
                    "not an avro step command".getBytes(StandardCharsets.UTF_8)));
            raw.flush();
            shared.send(start("run-poison", "after", Behaviour.SUCCEED, Map.of(), 60));

            shared.awaitEvent("run-poison", "after", StepEventKind.SUCCEEDED);
            letters.subscribe(List.of(dlq));
            List<DeadLetter> received = new ArrayList<>();
            await().atMost(TIMEOUT).until(() -> {
                letters.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                return !received.isEmpty();
            });
            DeadLetter letter = received.get(0);
            assertThat(letter.getTopic()).isEqualTo(commands);
            assertThat(letter.getErrorCode()).isEqualTo(DeadLetterEvents.DESERIALIZATION_FAILED);
            assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString())
                    .isEqualTo("not an avro step command");
        }
    }

    @Test
    void shouldAnswerACancelOfAnAttemptItDoesNotRunSoTheOrchestratorIsNotLeftWaiting() {
        shared.send(cancelOf(start("run-unknown", "ghost", Behaviour.SUCCEED, Map.of(), 60)));

        StepEvent failed = shared.awaitEvent("run-unknown", "ghost", StepEventKind.FAILED);

        assertThat(failed.getErrorCode()).isNull();
        assertThat(failed.getErrorMessage()).isEqualTo("cancelled on request");
    }

    @Test
    void shouldReportS3AccessDeniedWithoutLaunchingWhenTheWorkersS3SecretIsWrong(TestInfra infra,
                                                                                 @TempDir Path state) {
        try (WorkerHarness harness = WorkerHarness.withWorker(infra, "denied", state,
                Map.of("GL_S3_SECRET_ACCESS_KEY", "not-the-secret"))) {
            harness.send(start("run-denied", "step", Behaviour.SUCCEED, Map.of(), 60));

            StepEvent failed = harness.awaitEvent("run-denied", "step", StepEventKind.FAILED);

            assertThat(failed.getErrorCode()).isEqualTo("GL-E-S3-ACCESS-DENIED");
            assertThat(failed.getRetryable()).isFalse();
            assertThat(harness.events("run-denied")).extracting(StepEvent::getKind)
                    .containsExactly(StepEventKind.FAILED);
            assertThat(state.resolve("attempts")).isEmptyDirectory();
        }
    }

    @Test
    void shouldRunAtMostMaxParallelStepsAndStillActOnACancelWhileFull(TestInfra infra, @TempDir Path state)
            throws Exception {
        Path releaseB = scratch.resolve("release-b");
        Path releaseC = scratch.resolve("release-c");
        try (WorkerHarness harness = WorkerHarness.withWorker(infra, "parallel", state,
                Map.of("GL_MAX_PARALLEL_STEPS", "2"))) {
            // one run: all commands in one partition, so c waits in line ahead of the cancel of a
            StepCommand a = start("run-par", "a", Behaviour.HANG, Map.of(), 300);
            StepCommand b = start("run-par", "b", Behaviour.WAIT_FOR_FILE,
                    Map.of(TestAgent.RELEASE_FILE, releaseB.toString()), 300);
            StepCommand c = start("run-par", "c", Behaviour.WAIT_FOR_FILE,
                    Map.of(TestAgent.RELEASE_FILE, releaseC.toString()), 300);
            harness.send(a, b);
            harness.awaitEvents("run-par", e -> e.getKind() == StepEventKind.STARTED, 2);

            harness.send(c, cancelOf(a));

            StepEvent cancelled = harness.awaitEvent("run-par", "a", StepEventKind.FAILED);
            assertThat(cancelled.getErrorMessage()).isEqualTo("cancelled on request");
            harness.awaitEvent("run-par", "c", StepEventKind.STARTED);
            Files.writeString(releaseB, "go");
            Files.writeString(releaseC, "go");
            harness.awaitEvents("run-par", e -> e.getKind() == StepEventKind.SUCCEEDED, 2);

            List<StepEvent> events = harness.events("run-par");
            assertThat(maxRunningAtOnce(events)).isEqualTo(2);
            assertThat(events.stream().map(e -> e.getStep() + " " + e.getKind()).toList())
                    .containsSubsequence("a FAILED", "c STARTED");
            assertThat(harness.worker.isReady()).isTrue();
        }
    }

    /** Attempts between their first STARTED and their final event, at most, in topic order. */
    private static int maxRunningAtOnce(List<StepEvent> events) {
        Set<String> running = new HashSet<>();
        Set<String> ended = new HashSet<>();
        int max = 0;
        for (StepEvent e : events) {
            String key = e.getStep() + "." + e.getAttempt();
            if (e.getKind() == StepEventKind.STARTED && !ended.contains(key)) {
                running.add(key);
            } else if (e.getKind() == StepEventKind.SUCCEEDED || e.getKind() == StepEventKind.FAILED) {
                running.remove(key);
                ended.add(key);
            }
            max = Math.max(max, running.size());
        }
        return max;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
