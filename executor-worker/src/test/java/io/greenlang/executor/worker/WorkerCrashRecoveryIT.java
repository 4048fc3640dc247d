package io.greenlang.executor.worker;

import static io.greenlang.executor.worker.WorkerHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.config.GlConfig;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.executor.worker.testagents.TestAgent;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * {@link WorkerMain} in a JVM of its own is killed with SIGKILL while its step runs; a new one on the same state
 * directory and consumer group re-attaches to the still running agent and reports it: the step SUCCEEDS and the
 * agent ran exactly once.
 */
@GreenLangIntegrationTest
class WorkerCrashRecoveryIT {

    private final List<Process> workers = new ArrayList<>();

    @AfterEach
    void killWorkersLeftOver() {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldReportTheStepOfAKilledWorkerAfterARestartWithoutRunningTheAgentTwice(TestInfra infra,
            @TempDir Path state, @TempDir Path scratch) throws Exception {
        Path count = scratch.resolve("count");
        Path release = scratch.resolve("release");
        try (WorkerHarness harness = WorkerHarness.topics(infra, "crash")) {
            Map<String, String> env = harness.environment(state);
            // a dead member leaves the group after 6 s instead of 45 s
            env.put(GlConfig.kafkaPrefix("session.timeout.ms"), "6000");
            Process first = worker(harness, env, scratch.resolve("worker-1.log"));
            StepCommand start = WorkerHarness.start("run-crash", "slow", TestAgent.Behaviour.WAIT_FOR_FILE,
                    Map.of(TestAgent.COUNT_FILE, count.toString(), TestAgent.RELEASE_FILE, release.toString()), 300);
            harness.send(start);
            String firstWorker = harness.awaitEvent("run-crash", "slow", StepEventKind.STARTED).getMeta().getProducer()
                    .getInstance();
            await().atMost(TIMEOUT).until(() -> Files.exists(count));
            long agent = Long.parseLong(Files.readAllLines(count).get(0).split(" ")[1]);

            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ProcessHandle.of(agent)).as("the agent outlives its worker").isPresent();

            Process second = worker(harness, env, scratch.resolve("worker-2.log"));
            StepEvent heartbeat = harness.awaitEvent("run-crash", e -> e.getKind() == StepEventKind.HEARTBEAT
                    && !e.getMeta().getProducer().getInstance().equals(firstWorker));
            Files.writeString(release, "go");
            StepEvent succeeded = harness.awaitEvent("run-crash", "slow", StepEventKind.SUCCEEDED);

            assertThat(succeeded.getOutputs()).containsKey("result");
            assertThat(succeeded.getMeta().getProducer().getInstance())
                    .isEqualTo(heartbeat.getMeta().getProducer().getInstance());
            assertThat(Files.readAllLines(count)).as("runs of the agent").hasSize(1);
            // marked once the broker acknowledged SUCCEEDED, which may be just after this consumer saw it
            await().atMost(TIMEOUT).until(() -> Files.exists(state.resolve("attempts/run-crash/slow.1/reported")));
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM stops the worker").isTrue();
        }
    }

    private Process worker(WorkerHarness harness, Map<String, String> env, Path logFile) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                "--topic-prefix", harness.prefix)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith(GlConfig.PREFIX));
        builder.environment().putAll(env);
        Process process = builder.start();
        workers.add(process);
        return process;
    }
}
