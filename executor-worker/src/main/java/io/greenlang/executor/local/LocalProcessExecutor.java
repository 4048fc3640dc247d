package io.greenlang.executor.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.Execution;
import io.greenlang.executor.ExecutionHandle;
import io.greenlang.executor.ExecutionOutcome;
import io.greenlang.executor.StepExecutor;
import io.greenlang.executor.StepLaunch;

/**
 * The embedded executor ({@code GL_EXECUTOR=local}): runs each attempt as a child process of the worker, on the
 * worker's machine. The command is the step's own, or else {@code GL_AGENT_COMMAND}, or else this JVM's
 * {@code java -cp <class path> io.greenlang.agents.AgentMain}, with the agent id appended.
 *
 * <p>The agent runs under a small {@code /bin/sh} wrapper that writes its own pid to {@code started} before it
 * runs the agent and the agent's exit status to {@code exit-code} afterwards; its stdout and stderr go straight to
 * {@code logs.txt}. So the agent depends on nothing of the worker's process (no pipe it could die on, no
 * {@code waitpid} only the parent could do), survives a {@code kill -9} of the worker, and a restarted worker
 * learns how it ended from the files. Everything is kept under
 * {@code GL_WORKER_STATE_DIR/attempts/<run>/<step>.<attempt>/} (see {@code AttemptFolder}); the directory is
 * locked by one executor at a time.
 *
 * <p><b>Crash safety.</b> An attempt is launched at most once; each point at which the worker can die is covered:
 * <ol>
 *   <li>Before {@code launch.json} is written: nothing was started and nothing recorded; the worker had not sent
 *       STARTED, so it had not committed the command, which is redelivered and launched.</li>
 *   <li>After {@code launch.json}, before the wrapper wrote {@code started}: either the fork never happened or the
 *       wrapper has not run its first line. A restarted executor looks for the wrapper (its command line names the
 *       attempt folder): found, it is adopted; not found, the agent cannot have run (the wrapper writes
 *       {@code started} before it runs the agent), so {@link #launch} starts it and {@link #recover} forgets the
 *       record (the command is redelivered).</li>
 *   <li>After the start, before {@code pid} is written: {@code started} gives the pid; the process is adopted if
 *       its command line names the folder.</li>
 *   <li>While the agent runs: {@code pid} gives the process; it is adopted only if its start time and command line
 *       match (a reused pid does not), watched by polling, and stopped at the recorded deadline.</li>
 *   <li>After the agent ended, before the worker reported: {@code exit-code} gives the outcome. A process that is
 *       gone without an exit code (the wrapper was killed too, or the machine restarted) is GL-E-AGENT-CRASH.</li>
 *   <li>While stopping (timeout or cancel): {@code stopped} is written before the first signal, so a restarted
 *       executor reports the attempt as timed out or cancelled, not as crashed by the signal; an exit code written
 *       before the {@code stopped} marker wins (the agent ended on its own first).</li>
 *   <li>After the end was reported, before {@link #reported} was called: {@link #recover} returns it again and the
 *       worker reports it again (the orchestrator ignores the duplicate). After: the record stays for
 *       {@link #DEFAULT_RETENTION} (longer than the command topic keeps commands), so a redelivered START adopts the
 *       ended attempt instead of running it again.</li>
 * </ol>
 * Not covered: a machine crash loses what the page cache held ({@code launch.json} and the markers are forced to
 * disk, the wrapper's files are not), and two workers sharing one state directory are refused, not coordinated.
 *
 * <p>The agent's environment is the worker's, without any {@code GL_*} variable, plus the launch's. It is never
 * written to disk or logged: it holds the S3 secret. This class must never kill a process it cannot identify as
 * an attempt's (pid and start time, or command line), and never stop running attempts on {@link #close()}.
 */
public final class LocalProcessExecutor implements StepExecutor {

    private static final Logger log = LoggerFactory.getLogger(LocalProcessExecutor.class);

    /** {@link #name()}. */
    public static final String NAME = "local";
    /** Main class of the reference agents, run when neither the step nor {@code GL_AGENT_COMMAND} names a command. */
    public static final String DEFAULT_AGENT_MAIN = "io.greenlang.agents.AgentMain";
    /** Time between SIGTERM and SIGKILL when a process tree is stopped. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);
    /**
     * How long the record of a reported attempt is kept: longer than {@code gl.step.commands} keeps a command
     * (7 days), so that any redelivered START still adopts instead of relaunching.
     */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(8);
    /** The most of {@code logs.txt} that {@link Execution#logs()} returns (the end is kept). */
    public static final int MAX_LOG_BYTES = 4 * 1024 * 1024;
    /** The environment variable that names the agent. */
    public static final String AGENT_ID_ENV = "GL_AGENT_ID";

    static final String TIMEOUT = "timeout";
    static final String CANCELLED = "cancelled";
    static final String ATTEMPTS_DIR = "attempts";
    static final String LOCK_FILE = "worker.lock";

    /**
     * {@code sh -c WRAPPER sh <attempt folder> <command...>}: records its pid, runs the agent, records the exit
     * status. Each file is written under a temporary name and renamed.
     */
    static final String WRAPPER = "d=\"$1\"; shift; "
            + "echo $$ > \"$d/" + AttemptFolder.STARTED + ".tmp\" && mv \"$d/" + AttemptFolder.STARTED + ".tmp\" \"$d/"
            + AttemptFolder.STARTED + "\" || exit 125; "
            + "\"$@\"; "
            + "echo $? > \"$d/" + AttemptFolder.EXIT_CODE + ".tmp\" && mv \"$d/" + AttemptFolder.EXIT_CODE
            + ".tmp\" \"$d/" + AttemptFolder.EXIT_CODE + "\"";

    private static final Duration WATCH_INTERVAL = Duration.ofMillis(200);
    private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    /** Start times read twice may differ if the wall clock was stepped in between; pid reuse within this is not. */
    private static final long START_TOLERANCE_MS = 2_000;

    private final Path attemptsDir;
    private final List<String> agentCommand;
    private final Duration killGrace;
    private final Duration retention;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ScheduledExecutorService watcher;
    /** Attempts whose process runs (or is being stopped), by {@link AttemptId#key()}. */
    private final ConcurrentMap<String, Tracked> running = new ConcurrentHashMap<>();
    /** Serialises launching, adopting and recovering, so that one attempt is never started twice. */
    private final Object launchLock = new Object();
    private volatile boolean closed;

    /**
     * An executor with the default kill grace and retention.
     *
     * @param stateDir     {@code GL_WORKER_STATE_DIR}
     * @param agentCommand {@code GL_AGENT_COMMAND}; empty for this JVM's java and class path with
     *                     {@value #DEFAULT_AGENT_MAIN}
     */
    public LocalProcessExecutor(Path stateDir, List<String> agentCommand) {
        this(stateDir, agentCommand, DEFAULT_KILL_GRACE, DEFAULT_RETENTION);
    }

    /**
     * @param stateDir     {@code GL_WORKER_STATE_DIR}; created if missing, locked while this executor is open
     * @param agentCommand {@code GL_AGENT_COMMAND}; empty for this JVM's java and class path with
     *                     {@value #DEFAULT_AGENT_MAIN}
     * @param killGrace    time between SIGTERM and SIGKILL when stopping an attempt
     * @param retention    how long the records of reported attempts are kept
     * @throws GlConfigException when the directory cannot be created or another executor holds it
     */
    public LocalProcessExecutor(Path stateDir, List<String> agentCommand, Duration killGrace, Duration retention) {
        Objects.requireNonNull(stateDir, "stateDir");
        this.agentCommand = List.copyOf(agentCommand);
        this.killGrace = requirePositive(killGrace, "killGrace");
        this.retention = requirePositive(retention, "retention");
        this.attemptsDir = stateDir.toAbsolutePath().resolve(ATTEMPTS_DIR);
        try {
            Files.createDirectories(attemptsDir);
            this.lockChannel = FileChannel.open(stateDir.toAbsolutePath().resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new GlConfigException(GlConfig.WORKER_STATE_DIR + "=" + stateDir + " cannot be used: " + e);
        }
        this.lock = tryLock(lockChannel, stateDir);
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "local-executor-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::checkAll, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        watcher.scheduleWithFixedDelay(this::prune, 0, PRUNE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Local executor keeping attempts in {}", attemptsDir);
    }

    /** An executor on {@code GL_WORKER_STATE_DIR} running {@code GL_AGENT_COMMAND}. */
    public static LocalProcessExecutor fromConfig(GlConfig config) {
        return new LocalProcessExecutor(config.workerStateDir(), config.agentCommand());
    }

    private static FileLock tryLock(FileChannel channel, Path stateDir) {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                closeQuietly(channel);
                throw new GlConfigException(GlConfig.WORKER_STATE_DIR + "=" + stateDir + " is in use by another "
                        + "worker; each worker needs a state directory of its own");
            }
            return lock;
        } catch (IOException | OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new GlConfigException(GlConfig.WORKER_STATE_DIR + "=" + stateDir + " cannot be locked: " + e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Execution launch(StepLaunch launch) {
        Objects.requireNonNull(launch, "launch");
        requireOpen();
        AttemptId id = launch.id();
        AttemptFolder folder = folder(id);
        synchronized (launchLock) {
            Tracked tracked = running.get(id.key());
            if (tracked != null) {
                return tracked.view(true);
            }
            if (folder.hasLaunch()) {
                Optional<Tracked> adopted = adopt(folder, readLaunch(folder));
                if (adopted.isPresent()) {
                    return adopted.get().view(true);
                }
                log.info("{}: the recorded launch never started a process; launching it now", id);
            }
            return start(launch, folder).view(false);
        }
    }

    @Override
    public List<Execution> recover() {
        requireOpen();
        List<Execution> recovered = new ArrayList<>();
        synchronized (launchLock) {
            for (Path runDir : list(attemptsDir)) {
                for (Path dir : list(runDir)) {
                    AttemptFolder folder = new AttemptFolder(dir);
                    if (!folder.hasLaunch() || folder.isReported()) {
                        continue;
                    }
                    LaunchRecord record;
                    try {
                        record = folder.readLaunch();
                    } catch (IOException e) {
                        log.warn("{}: unreadable launch record, skipped: {}", dir, e.toString());
                        continue;
                    }
                    Tracked tracked = running.get(record.id().key());
                    if (tracked == null) {
                        tracked = adopt(folder, record).orElse(null);
                    }
                    if (tracked == null) {
                        log.info("{}: the recorded launch never started a process; forgotten (its command is "
                                + "redelivered, not committed)", record.id());
                        folder.forgetLaunch();
                        continue;
                    }
                    recovered.add(tracked.view(true));
                }
            }
        }
        log.info("Recovered {} unreported attempt(s) from {}", recovered.size(), attemptsDir);
        return recovered;
    }

    @Override
    public void cancel(AttemptId id) {
        requireOpen();
        Tracked tracked = running.get(id.key());
        if (tracked == null) {
            AttemptFolder folder = folder(id);
            synchronized (launchLock) {
                tracked = running.get(id.key());
                if (tracked == null && folder.hasLaunch() && !folder.isReported()) {
                    tracked = adopt(folder, readLaunch(folder)).filter(t -> t.process != null).orElse(null);
                }
            }
        }
        if (tracked == null) {
            log.debug("{}: cancel of an attempt that does not run here; nothing to stop", id);
            return;
        }
        stop(tracked, CANCELLED);
    }

    @Override
    public void reported(AttemptId id) {
        AttemptFolder folder = folder(id);
        try {
            folder.markReported();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + id + " reported in " + folder, e);
        }
    }

    /** Stops watching and releases the state directory; running attempts keep running. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watcher.shutdownNow();
        running.clear();
        try {
            lock.release();
        } catch (IOException e) {
            log.warn("Cannot release the lock of {}: {}", attemptsDir.getParent(), e.toString());
        }
        closeQuietly(lockChannel);
    }

    // ------------------------------------------------------------------ launching and adopting

    private Tracked start(StepLaunch launch, AttemptFolder folder) {
        AttemptId id = launch.id();
        List<String> command = command(launch, agentCommand);
        LaunchRecord record = new LaunchRecord(id.tenant(), id.runId(), id.step(), id.attempt(), launch.agent(),
                command, Instant.now().toEpochMilli(), launch.timeout().toMillis());
        try {
            folder.prepareForLaunch();
            folder.writeLaunch(record);
        } catch (IOException e) {
            throw new GreenLangException(ErrorCode.INTERNAL, "cannot record the launch of " + id + " in " + folder
                    + ": " + e.getMessage(), e);
        }
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "sh", folder.dir().toString()));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(folder.work().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.logs().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith(GlConfig.PREFIX));
        environment.putAll(launch.environment());
        environment.putIfAbsent(AGENT_ID_ENV, launch.agent());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            folder.forgetLaunch();
            throw new GreenLangException(ErrorCode.AGENT_CRASH, "cannot start " + command + ": " + e.getMessage(), e);
        }
        ProcessHandle handle = process.toHandle();
        try {
            folder.writePid(handle.pid(), handle.info().startInstant());
        } catch (IOException e) {
            // the wrapper records its pid itself in 'started'; adoption falls back to it
            log.warn("{}: cannot record pid {} in {}: {}", id, handle.pid(), folder, e.toString());
        }
        Tracked tracked = new Tracked(id, folder, record, handle);
        running.put(id.key(), tracked);
        process.onExit().thenRun(() -> watch(tracked));
        log.info("{}: launched {} as pid {} (timeout {} s): {}", id, launch.agent(), handle.pid(),
                launch.timeout().toSeconds(), abbreviated(command));
        return tracked;
    }

    /**
     * Re-attaches to a recorded launch: ended (outcome from the files), running (watched), or never started
     * (empty).
     */
    private Optional<Tracked> adopt(AttemptFolder folder, LaunchRecord record) {
        AttemptId id = record.id();
        if (folder.hasExitCode()) {
            return Optional.of(ended(id, folder, record));
        }
        Optional<ProcessHandle> process = findProcess(folder);
        if (process.isPresent()) {
            Tracked tracked = new Tracked(id, folder, record, process.get());
            running.put(id.key(), tracked);
            log.info("{}: re-attached to running pid {} (launched {})", id, process.get().pid(),
                    record.launchedAtInstant());
            watch(tracked);
            return Optional.of(tracked);
        }
        if (folder.readPid().isPresent() || folder.readStarted().isPresent()) {
            return Optional.of(ended(id, folder, record));
        }
        return Optional.empty();
    }

    private Tracked ended(AttemptId id, AttemptFolder folder, LaunchRecord record) {
        Tracked tracked = new Tracked(id, folder, record, null);
        ExecutionOutcome outcome = outcome(tracked);
        tracked.outcome.complete(outcome);
        log.info("{}: had ended: {}", id, outcome.message());
        return tracked;
    }

    /** The attempt's wrapper, if it still runs: identified by pid and start time, or by its command line. */
    private static Optional<ProcessHandle> findProcess(AttemptFolder folder) {
        String dir = folder.dir().toString();
        Optional<AttemptFolder.PidRecord> pid = folder.readPid();
        if (pid.isPresent()) {
            return ProcessHandle.of(pid.get().pid())
                    .filter(h -> sameStart(h, pid.get().start()) && mentions(h, dir, true));
        }
        OptionalLong started = folder.readStarted();
        if (started.isPresent()) {
            return ProcessHandle.of(started.getAsLong()).filter(h -> mentions(h, dir, true));
        }
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> mentions(h, dir, false)).filter(ProcessHandle::isAlive).findFirst();
        }
    }

    private static boolean sameStart(ProcessHandle handle, Optional<Instant> recorded) {
        Optional<Instant> actual = handle.info().startInstant();
        if (recorded.isEmpty() || actual.isEmpty()) {
            return true;
        }
        return Math.abs(actual.get().toEpochMilli() - recorded.get().toEpochMilli()) <= START_TOLERANCE_MS;
    }

    /** Whether the process's arguments include the attempt folder (as the wrapper's do). */
    private static boolean mentions(ProcessHandle handle, String dir, boolean whenUnknown) {
        return handle.info().arguments().map(args -> Arrays.asList(args).contains(dir)).orElse(whenUnknown);
    }

    // ------------------------------------------------------------------ watching and stopping

    private void checkAll() {
        for (Tracked tracked : running.values()) {
            watch(tracked);
        }
    }

    /**
     * Completes the outcome once the process has ended (and, when it was stopped, its whole tree), and stops it
     * at its deadline. A failure to read the files completes the outcome exceptionally: the executor cannot tell.
     */
    private void watch(Tracked tracked) {
        if (tracked.outcome.isDone()) {
            return;
        }
        try {
            boolean ended;
            boolean overdue;
            synchronized (tracked) {
                ended = tracked.folder.hasExitCode() || tracked.process == null || !tracked.process.isAlive();
                if (ended && tracked.tree != null && tracked.tree.stream().anyMatch(ProcessHandle::isAlive)) {
                    ended = false;
                }
                overdue = !ended && tracked.stopping == null && !Instant.now().isBefore(tracked.record.deadline());
            }
            if (ended) {
                ExecutionOutcome outcome = outcome(tracked);
                if (tracked.outcome.complete(outcome)) {
                    running.remove(tracked.id.key(), tracked);
                    log.info("{}: ended: {}", tracked.id, outcome.message());
                }
            } else if (overdue) {
                log.info("{}: timeout of {} s reached", tracked.id, tracked.record.timeout().toSeconds());
                stop(tracked, TIMEOUT);
            }
        } catch (RuntimeException e) {
            running.remove(tracked.id.key(), tracked);
            log.error("{}: cannot tell how the attempt is doing from {}", tracked.id, tracked.folder, e);
            tracked.outcome.completeExceptionally(e);
        }
    }

    /** Records why, then signals the whole process tree; SIGKILL follows for what is left after the grace. */
    private void stop(Tracked tracked, String reason) {
        List<ProcessHandle> tree;
        String recorded;
        synchronized (tracked) {
            if (tracked.outcome.isDone() || tracked.stopping != null || tracked.process == null) {
                return;
            }
            try {
                recorded = tracked.folder.markStopped(reason);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record the stop of " + tracked.id, e);
            }
            tracked.stopping = recorded;
            try (Stream<ProcessHandle> descendants = tracked.process.descendants()) {
                tree = Stream.concat(descendants, Stream.of(tracked.process)).toList();
            }
            tracked.tree = tree;
        }
        log.info("{}: stopping ({}): SIGTERM to pids {}", tracked.id, recorded,
                tree.stream().map(ProcessHandle::pid).toList());
        tree.forEach(ProcessHandle::destroy);
        try {
            watcher.schedule(() -> forceKill(tracked), killGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("{}: closed while stopping; no SIGKILL follows", tracked.id);
        }
    }

    private void forceKill(Tracked tracked) {
        List<ProcessHandle> alive = tracked.tree.stream().filter(ProcessHandle::isAlive).toList();
        if (!alive.isEmpty()) {
            log.info("{}: still alive after {} s: SIGKILL to pids {}", tracked.id, killGrace.toSeconds(),
                    alive.stream().map(ProcessHandle::pid).toList());
            alive.forEach(ProcessHandle::destroyForcibly);
        }
        watch(tracked);
    }

    /** How an ended attempt ended, from its files. */
    private static ExecutionOutcome outcome(Tracked tracked) {
        AttemptFolder folder = tracked.folder;
        Optional<Integer> exitCode = folder.readExitCode();
        Optional<Instant> exitedAt = folder.exitCodeTime();
        Instant end = exitedAt.orElseGet(Instant::now);
        Duration duration = Duration.between(tracked.record.launchedAtInstant(), end);
        if (duration.isNegative()) {
            duration = Duration.ZERO;
        }
        Optional<String> stopped = folder.stoppedReason();
        boolean endedFirst = exitedAt.isPresent() && folder.stoppedTime()
                .map(stoppedAt -> exitedAt.get().isBefore(stoppedAt)).orElse(true);
        Integer code = exitCode.orElse(null);
        if (stopped.isPresent() && !endedFirst) {
            if (TIMEOUT.equals(stopped.get())) {
                return ExecutionOutcome.failed(ErrorCode.AGENT_TIMEOUT, "stopped after the step timeout of "
                        + tracked.record.timeout().toSeconds() + " s", code, duration);
            }
            return ExecutionOutcome.cancelled("cancelled on request", code, duration);
        }
        if (code == null) {
            return ExecutionOutcome.failed(ErrorCode.AGENT_CRASH, "the agent's process ended without recording an "
                    + "exit code (killed together with its wrapper, or the machine restarted)", null, duration);
        }
        if (code == 0) {
            return ExecutionOutcome.exited(duration);
        }
        return ExecutionOutcome.failed(ErrorCode.AGENT_CRASH, "exit code " + code
                + (code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : ""), code, duration);
    }

    // ------------------------------------------------------------------ housekeeping

    /**
     * Deletes the folders of attempts reported longer ago than the retention, and run folders left empty. Holds the
     * launch lock per run folder: a launch creates the run folder before its attempt folder, and an empty run folder
     * deleted in between would fail that launch.
     */
    private void prune() {
        Instant limit = Instant.now().minus(retention);
        for (Path runDir : list(attemptsDir)) {
            synchronized (launchLock) {
                pruneRun(runDir, limit);
            }
        }
    }

    private void pruneRun(Path runDir, Instant limit) {
        for (Path dir : list(runDir)) {
            AttemptFolder folder = new AttemptFolder(dir);
            try {
                if (folder.reportedTime().map(t -> t.isBefore(limit)).orElse(false)) {
                    deleteRecursively(dir);
                }
            } catch (IOException | UncheckedIOException e) {
                log.warn("Cannot prune {}: {}", dir, e.toString());
            }
        }
        try (Stream<Path> left = Files.list(runDir)) {
            if (left.findAny().isEmpty()) {
                Files.delete(runDir);
            }
        } catch (IOException e) {
            log.debug("Cannot prune {}: {}", runDir, e.toString());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The command of a launch: its own, else {@code agentCommand} or the default, with the agent id appended. */
    static List<String> command(StepLaunch launch, List<String> agentCommand) {
        if (!launch.command().isEmpty()) {
            return launch.command();
        }
        List<String> command = new ArrayList<>(agentCommand.isEmpty() ? defaultAgentCommand() : agentCommand);
        command.add(launch.agent());
        return command;
    }

    /** The command for a log line: a class path of hundreds of jars is shortened. */
    private static List<String> abbreviated(List<String> command) {
        return command.stream().map(arg -> arg.length() <= 160 ? arg
                : arg.substring(0, 80) + "...(" + arg.length() + " characters)").toList();
    }

    /** This JVM's java binary and class path, running {@value #DEFAULT_AGENT_MAIN}. */
    static List<String> defaultAgentCommand() {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "-cp", System.getProperty("java.class.path"), DEFAULT_AGENT_MAIN);
    }

    /** The attempt's folder; the names are checked as for S3 keys, so none can climb out of the directory. */
    private AttemptFolder folder(AttemptId id) {
        ArtifactLayout.stepPrefix(id.tenant(), id.runId(), id.step(), id.attempt());
        return new AttemptFolder(attemptsDir.resolve(id.runId()).resolve(ArtifactLayout.stepId(id.step(),
                id.attempt())));
    }

    private static LaunchRecord readLaunch(AttemptFolder folder) {
        try {
            return folder.readLaunch();
        } catch (IOException e) {
            throw new GreenLangException(ErrorCode.INTERNAL, "unreadable launch record in " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the local executor is closed");
        }
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Closing the lock file failed: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "LocalProcessExecutor[" + attemptsDir + ", " + running.size() + " running]";
    }

    /** One attempt this executor knows of: its files, its process (null once it had ended) and its outcome. */
    private static final class Tracked {
        final AttemptId id;
        final AttemptFolder folder;
        final LaunchRecord record;
        final ProcessHandle process;
        final CompletableFuture<ExecutionOutcome> outcome = new CompletableFuture<>();
        /** Why it is being stopped; null while it is not. Guarded by this. */
        String stopping;
        /** The process tree signalled when stopping. Guarded by this. */
        List<ProcessHandle> tree;

        Tracked(AttemptId id, AttemptFolder folder, LaunchRecord record, ProcessHandle process) {
            this.id = id;
            this.folder = folder;
            this.record = record;
            this.process = process;
        }

        Execution view(boolean adopted) {
            return new ExecutionHandle(id, record.launchedAtInstant(), adopted, outcome,
                    () -> folder.logsTail(MAX_LOG_BYTES), "local process");
        }
    }
}
