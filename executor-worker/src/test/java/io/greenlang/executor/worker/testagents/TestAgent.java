package io.greenlang.executor.worker.testagents;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.metrics.GlMeters;

/**
 * An agent for the worker's tests, run as {@code java -cp <test class path> TestAgent <behaviour>}: it reads
 * {@code input.json} from {@code GL_INPUT_URI} and answers in {@code GL_OUTPUT_URI} the way its
 * {@link Behaviour} says, correctly or breaking the contract on purpose.
 *
 * <p>Inputs it understands (the step's {@code inputs}): {@value #COUNT_FILE}, a file to which every run appends a
 * line with its pid (so a test can prove it ran once); {@value #RELEASE_FILE}, a file whose appearance ends
 * {@link Behaviour#WAIT_FOR_FILE}; {@value #PID_FILE}, where {@link Behaviour#SPAWN_AND_HANG} writes its own pid
 * and its child's.
 */
public final class TestAgent {

    private static final Logger log = LoggerFactory.getLogger(TestAgent.class);

    /** Input: file appended with one line per run. */
    public static final String COUNT_FILE = "count_file";
    /** Input: file that ends {@link Behaviour#WAIT_FOR_FILE} once it exists. */
    public static final String RELEASE_FILE = "release_file";
    /** Input: file receiving the agent's pid and its child's pid. */
    public static final String PID_FILE = "pid_file";
    /** The artifact a successful run writes. */
    public static final String ARTIFACT = "artifacts/greeting.txt";

    /** What the agent does. */
    public enum Behaviour {
        /** Writes an artifact and a valid result. */
        SUCCEED,
        /** Waits until {@value #RELEASE_FILE} exists, then succeeds. */
        WAIT_FOR_FILE,
        /** Exits with code 3 without writing anything. */
        CRASH,
        /** Never ends. */
        HANG,
        /** Starts a child process, records both pids, never ends. */
        SPAWN_AND_HANG,
        /** Exits 0 without a result.json. */
        NO_RESULT,
        /** Writes a result.json that is not JSON. */
        GARBAGE,
        /** Writes a result without provenance. */
        NO_PROVENANCE,
        /** Declares an artifact hash that is not the artifact's. */
        WRONG_HASH,
        /** Writes a failed result with GL-E-DATA-SCHEMA. */
        REPORT_FAILURE
    }

    private TestAgent() {
    }

    /**
     * @param args the behaviour's name
     */
    public static void main(String[] args) throws Exception {
        Behaviour behaviour = Behaviour.valueOf(args[0]);
        Map<String, String> env = System.getenv();
        String agentId = env.getOrDefault("GL_AGENT_ID", "GL-TEST");
        GlConfig config = GlConfig.load(env, Optional.empty());
        try (ArtifactStore store = ArtifactStore.fromConfig(config, new GlMeters(new SimpleMeterRegistry()))) {
            byte[] input = store.get(S3Location.parse(env.get("GL_INPUT_URI")));
            S3Location folder = S3Location.parse(env.get("GL_OUTPUT_URI"));
            RunContext context = RunContext.parse(input);
            StepResult.Provenance provenance = new StepResult.Provenance(agentId, "1.0.0",
                    Hashing.sha256Hex(input));
            count(context);
            log.info("test agent {} running {} for run {} step {}", agentId, behaviour, context.runId(),
                    context.step());
            switch (behaviour) {
                case SUCCEED -> succeed(store, folder, provenance, false);
                case WAIT_FOR_FILE -> {
                    awaitFile(Path.of(context.inputs().get(RELEASE_FILE)));
                    succeed(store, folder, provenance, false);
                }
                case CRASH -> System.exit(3);
                case HANG -> new CountDownLatch(1).await();
                case SPAWN_AND_HANG -> spawnAndHang(context);
                case NO_RESULT -> log.info("exiting without a result");
                case GARBAGE -> result(store, folder, "this is not json".getBytes(StandardCharsets.UTF_8));
                case NO_PROVENANCE -> result(store, folder, ("{\"api_version\":\"" + StepResult.API_VERSION
                        + "\",\"status\":\"succeeded\",\"outputs\":{},\"artifacts\":[]}")
                        .getBytes(StandardCharsets.UTF_8));
                case WRONG_HASH -> succeed(store, folder, provenance, true);
                case REPORT_FAILURE -> result(store, folder, StepResult.failed(
                        new StepResult.Failure("GL-E-DATA-SCHEMA", "column 'tco2e' is missing"), provenance)
                        .toJsonBytes());
                default -> throw new IllegalStateException("unknown behaviour " + behaviour);
            }
        }
    }

    private static void succeed(ArtifactStore store, S3Location folder, StepResult.Provenance provenance,
                                boolean wrongHash) {
        byte[] artifact = "hello from the test agent\n".getBytes(StandardCharsets.UTF_8);
        store.put(folder.resolve(ARTIFACT), artifact, "text/plain");
        String sha = Hashing.sha256Hex(wrongHash ? "something else".getBytes(StandardCharsets.UTF_8) : artifact);
        StepResult result = StepResult.succeeded(Map.of("greeting", "hello"),
                List.of(new StepResult.Artifact(ARTIFACT, sha, artifact.length)), provenance);
        result(store, folder, result.toJsonBytes());
    }

    private static void result(ArtifactStore store, S3Location folder, byte[] bytes) {
        store.put(folder.resolve("result.json"), bytes, "application/json");
        log.info("result.json written");
    }

    private static void count(RunContext context) throws IOException {
        String file = context.inputs().get(COUNT_FILE);
        if (file != null) {
            Files.writeString(Path.of(file), context.runId() + "/" + context.step() + "." + context.attempt() + " "
                    + ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    /** The agent's "work": it lasts until the test creates the file. */
    private static void awaitFile(Path file) throws InterruptedException {
        while (!Files.exists(file)) {
            Thread.sleep(50);
        }
    }

    private static void spawnAndHang(RunContext context) throws Exception {
        Process child = new ProcessBuilder("sleep", "600").start();
        List<String> pids = new ArrayList<>(List.of(Long.toString(ProcessHandle.current().pid()),
                Long.toString(child.pid())));
        Path file = Path.of(context.inputs().get(PID_FILE));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, pids);
        Files.move(tmp, file);
        new CountDownLatch(1).await();
    }
}
