package io.greenlang.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.Execution;
import io.greenlang.executor.ExecutionOutcome;
import io.greenlang.executor.StepLaunch;

/** The local executor with plain shell commands as agents: outcomes, stopping, adoption across a restart. */
class LocalProcessExecutorTest {

    private static final Duration KILL_GRACE = Duration.ofMillis(500);
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    Path state;
    @TempDir
    Path scratch;

    private final List<LocalProcessExecutor> executors = new ArrayList<>();
    private final List<Process> helpers = new ArrayList<>();

    @AfterEach
    void closeExecutorsAndHelpers() {
        executors.forEach(LocalProcessExecutor::close);
        helpers.forEach(Process::destroyForcibly);
    }

    private LocalProcessExecutor executor() {
        LocalProcessExecutor executor = new LocalProcessExecutor(state, List.of(), KILL_GRACE, Duration.ofDays(1));
        executors.add(executor);
        return executor;
    }

    /** Closing is what a killed worker amounts to for the processes: they keep running. */
    private void restart(LocalProcessExecutor executor) {
        executor.close();
        executors.remove(executor);
    }

    private static StepLaunch launch(String step, Duration timeout, String script) {
        return new StepLaunch(new AttemptId("acme", "run-1", step, 1), "GL-TEST", null,
                List.of("/bin/sh", "-c", script), Map.of("GL_INPUT_URI", "s3://bucket/acme/input.json"), timeout,
                "1", "1Gi");
    }

    private static ExecutionOutcome outcome(Execution execution) throws Exception {
        return execution.outcome().get(30, TimeUnit.SECONDS);
    }

    private Path attemptDir(String step) {
        return state.resolve("attempts").resolve("run-1").resolve(step + ".1");
    }

    private long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    private static long pidIn(Path file) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && !Files.readString(file).isBlank());
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void shouldReportExitedForExitCodeZeroAndKeepStdoutAndStderrInTheLogs() throws Exception {
        Execution execution = executor().launch(launch("ok", LONG, "echo to-stdout; echo to-stderr >&2; exit 0"));

        ExecutionOutcome outcome = outcome(execution);

        assertThat(outcome.kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(outcome.exitCode()).isZero();
        assertThat(execution.adopted()).isFalse();
        assertThat(execution.logs()).contains("to-stdout", "to-stderr");
        assertThat(attemptDir("ok")).isDirectoryContaining(p -> p.getFileName().toString().equals("launch.json"))
                .isDirectoryContaining(p -> p.getFileName().toString().equals("pid"))
                .isDirectoryContaining(p -> p.getFileName().toString().equals("exit-code"))
                .isDirectoryContaining(p -> p.getFileName().toString().equals("logs.txt"));
    }

    @Test
    void shouldReportAgentCrashWithTheExitCodeOfAFailedProcess() throws Exception {
        ExecutionOutcome outcome = outcome(executor().launch(launch("crash", LONG, "exit 3")));

        assertThat(outcome.kind()).isEqualTo(ExecutionOutcome.Kind.FAILED);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.message()).isEqualTo("exit code 3");
    }

    @Test
    void shouldPassTheLaunchEnvironmentAndRunInTheAttemptsWorkDirectory() throws Exception {
        outcome(executor().launch(launch("env", LONG, "echo \"input=$GL_INPUT_URI agent=$GL_AGENT_ID\"; pwd")));

        assertThat(Files.readString(attemptDir("env").resolve("logs.txt")))
                .contains("input=s3://bucket/acme/input.json agent=GL-TEST")
                .contains(attemptDir("env").resolve("work").toString());
    }

    @Test
    void shouldKillTheProcessTreeAndReportAgentTimeoutAtTheDeadline() throws Exception {
        Path childPid = scratch.resolve("child.pid");
        Execution execution = executor().launch(launch("slow", Duration.ofSeconds(1),
                "sleep 300 & echo $! > " + childPid + "; wait"));
        long child = pidIn(childPid);

        ExecutionOutcome outcome = outcome(execution);

        assertThat(outcome.kind()).isEqualTo(ExecutionOutcome.Kind.FAILED);
        assertThat(outcome.failure()).isEqualTo(ErrorCode.AGENT_TIMEOUT);
        assertThat(outcome.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(alive(child)).as("the agent's child process").isFalse();
    }

    @Test
    void shouldKillTheProcessTreeOnCancelAndReportCancelled() throws Exception {
        LocalProcessExecutor executor = executor();
        Path childPid = scratch.resolve("child.pid");
        StepLaunch launch = launch("hang", LONG, "sleep 300 & echo $! > " + childPid + "; wait");
        Execution execution = executor.launch(launch);
        long child = pidIn(childPid);

        executor.cancel(launch.id());

        ExecutionOutcome outcome = outcome(execution);
        assertThat(outcome.kind()).isEqualTo(ExecutionOutcome.Kind.CANCELLED);
        assertThat(alive(child)).isFalse();
        assertThat(Files.readString(attemptDir("hang").resolve("stopped")).trim()).isEqualTo("cancelled");
    }

    @Test
    void shouldSendSigkillToATreeThatIgnoresSigtermAfterTheGrace() throws Exception {
        LocalProcessExecutor executor = executor();
        Path childPid = scratch.resolve("child.pid");
        // a trapped (ignored) SIGTERM is inherited by the sleep
        StepLaunch launch = launch("stubborn", LONG, "trap '' TERM; sleep 300 & echo $! > " + childPid + "; wait");
        Execution execution = executor.launch(launch);
        long child = pidIn(childPid);

        executor.cancel(launch.id());

        assertThat(outcome(execution).kind()).isEqualTo(ExecutionOutcome.Kind.CANCELLED);
        assertThat(alive(child)).isFalse();
    }

    @Test
    void shouldAdoptARunningAttemptAfterARestartInsteadOfLaunchingItAgain() throws Exception {
        Path count = scratch.resolve("count");
        Path release = scratch.resolve("release");
        StepLaunch launch = launch("adopt", LONG, "echo ran >> " + count + "; while [ ! -f " + release
                + " ]; do sleep 0.1; done; exit 0");
        LocalProcessExecutor first = executor();
        Execution launched = first.launch(launch);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines(count) == 1);
        restart(first);

        LocalProcessExecutor second = executor();
        Execution adopted = second.launch(launch);
        assertThat(adopted.adopted()).isTrue();
        assertThat(adopted.launchedAt()).isEqualTo(launched.launchedAt());
        assertThat(adopted.outcome()).isNotDone();
        Files.writeString(release, "go");

        assertThat(outcome(adopted).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(lines(count)).isEqualTo(1);
    }

    @Test
    void shouldRecoverUnreportedAttemptsRunningOrEndedButNotReportedOnes() throws Exception {
        Path release = scratch.resolve("release");
        LocalProcessExecutor first = executor();
        StepLaunch running = launch("running", LONG, "while [ ! -f " + release + " ]; do sleep 0.1; done; exit 0");
        StepLaunch ended = launch("ended", LONG, "exit 7");
        StepLaunch reported = launch("reported", LONG, "exit 0");
        first.launch(running);
        outcome(first.launch(ended));
        outcome(first.launch(reported));
        first.reported(reported.id());
        restart(first);

        List<Execution> recovered = executor().recover();

        assertThat(recovered).extracting(e -> e.id().step()).containsExactlyInAnyOrder("running", "ended");
        assertThat(recovered).allMatch(Execution::adopted);
        Execution endedAgain = recovered.stream().filter(e -> e.id().step().equals("ended")).findFirst().orElseThrow();
        assertThat(endedAgain.outcome()).isDone();
        assertThat(outcome(endedAgain).exitCode()).isEqualTo(7);
        Files.writeString(release, "go");
        Execution runningAgain = recovered.stream().filter(e -> e.id().step().equals("running")).findFirst()
                .orElseThrow();
        assertThat(outcome(runningAgain).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
    }

    @Test
    void shouldAdoptAReportedAttemptOnARedeliveredLaunchWithoutRunningItAgain() throws Exception {
        Path count = scratch.resolve("count");
        LocalProcessExecutor executor = executor();
        StepLaunch launch = launch("once", LONG, "echo ran >> " + count + "; exit 0");
        outcome(executor.launch(launch));
        executor.reported(launch.id());

        Execution again = executor.launch(launch);

        assertThat(again.adopted()).isTrue();
        assertThat(outcome(again).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(lines(count)).isEqualTo(1);
    }

    @Test
    void shouldReportAgentCrashForAProcessGoneWithoutAnExitCode() throws Exception {
        Path childPid = scratch.resolve("child.pid");
        LocalProcessExecutor first = executor();
        first.launch(launch("killed", LONG, "sleep 300 & echo $! > " + childPid + "; wait"));
        long child = pidIn(childPid);
        restart(first);
        long wrapper = Long.parseLong(Files.readString(attemptDir("killed").resolve("pid")).split(" ")[0]);
        // the wrapper first: killed after its child, it could still record the child's exit code
        ProcessHandle.of(wrapper).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> !alive(wrapper));
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);

        List<Execution> recovered = executor().recover();

        assertThat(recovered).hasSize(1);
        ExecutionOutcome outcome = outcome(recovered.get(0));
        assertThat(outcome.failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(outcome.exitCode()).isNull();
        assertThat(outcome.message()).contains("without recording an exit code");
    }

    @Test
    void shouldNeitherAdoptNorKillAProcessThatReusedTheRecordedPid() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        helpers.add(stranger);
        Path dir = attemptDir("reused");
        Files.createDirectories(dir);
        LaunchRecord record = new LaunchRecord("acme", "run-1", "reused", 1, "GL-TEST", List.of("true"),
                Instant.now().toEpochMilli(), LONG.toMillis());
        new AttemptFolder(dir).writeLaunch(record);
        // the stranger has the recorded pid, but it started at another time and is not a wrapper of this attempt
        new AttemptFolder(dir).writePid(stranger.pid(), Optional.of(Instant.now().minus(Duration.ofHours(1))));
        LocalProcessExecutor executor = executor();

        List<Execution> recovered = executor.recover();
        executor.cancel(record.id());

        assertThat(recovered).hasSize(1);
        assertThat(outcome(recovered.get(0)).failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(stranger.isAlive()).isTrue();
    }

    @Test
    void shouldForgetALaunchRecordThatNeverStartedAProcessAndLaunchItOnTheNextStart() throws Exception {
        Path count = scratch.resolve("count");
        StepLaunch launch = launch("never", LONG, "echo ran >> " + count + "; exit 0");
        Path dir = attemptDir("never");
        Files.createDirectories(dir);
        new AttemptFolder(dir).writeLaunch(new LaunchRecord("acme", "run-1", "never", 1, "GL-TEST",
                launch.command(), Instant.now().toEpochMilli(), LONG.toMillis()));
        LocalProcessExecutor executor = executor();

        assertThat(executor.recover()).isEmpty();
        assertThat(dir.resolve("launch.json")).doesNotExist();
        Execution execution = executor.launch(launch);

        assertThat(execution.adopted()).isFalse();
        assertThat(outcome(execution).kind()).isEqualTo(ExecutionOutcome.Kind.EXITED);
        assertThat(lines(count)).isEqualTo(1);
    }

    @Test
    void shouldReportAgentCrashWhenTheCommandDoesNotExist() throws Exception {
        StepLaunch launch = new StepLaunch(new AttemptId("acme", "run-1", "missing", 1), "GL-TEST", null,
                List.of(scratch.resolve("no-such-agent").toString()), Map.of(), LONG, "1", "1Gi");

        ExecutionOutcome outcome = outcome(executor().launch(launch));

        assertThat(outcome.failure()).isEqualTo(ErrorCode.AGENT_CRASH);
        assertThat(outcome.exitCode()).isEqualTo(127);
    }

    @Test
    void shouldRefuseASecondExecutorOnTheSameStateDirectory() {
        executor();

        assertThatThrownBy(this::executor).isInstanceOf(GlConfigException.class)
                .hasMessageContaining("GL_WORKER_STATE_DIR");
    }

    @Test
    void shouldRunTheStepsCommandElseTheConfiguredAgentCommandElseThisJvmWithTheAgentIdAppended() {
        StepLaunch own = launch("cmd", LONG, "true");
        StepLaunch none = new StepLaunch(own.id(), "GL-MRV-X-001", null, List.of(), Map.of(), LONG, "1", "1Gi");

        assertThat(LocalProcessExecutor.command(own, List.of("agent"))).isEqualTo(own.command());
        assertThat(LocalProcessExecutor.command(none, List.of("/opt/agents/run", "--fast")))
                .containsExactly("/opt/agents/run", "--fast", "GL-MRV-X-001");
        assertThat(LocalProcessExecutor.command(none, List.of()))
                .containsExactly(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                        System.getProperty("java.class.path"), LocalProcessExecutor.DEFAULT_AGENT_MAIN,
                        "GL-MRV-X-001");
    }

    @Test
    void shouldKeepOnlyTheEndOfAVeryLongLog() throws Exception {
        Path dir = attemptDir("long");
        Files.createDirectories(dir);
        byte[] big = new byte[LocalProcessExecutor.MAX_LOG_BYTES + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        big[big.length - 1] = 'E';
        Files.write(dir.resolve("logs.txt"), big);

        String tail = new AttemptFolder(dir).logsTail(LocalProcessExecutor.MAX_LOG_BYTES);

        assertThat(tail).startsWith("[... 10 earlier bytes left out ...]").endsWith("E");
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(LocalProcessExecutor.MAX_LOG_BYTES + 100);
    }
}
