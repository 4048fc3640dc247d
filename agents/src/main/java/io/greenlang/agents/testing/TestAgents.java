package io.greenlang.agents.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.agents.sdk.Agent;
import io.greenlang.agents.sdk.AgentContext;
import io.greenlang.agents.sdk.AgentEnvironment;
import io.greenlang.agents.sdk.AgentProgram;
import io.greenlang.agents.sdk.AgentRunner;
import io.greenlang.agents.sdk.Decimals;
import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.metrics.GlMeters;

/**
 * The test agents. Well-behaved ones go through the {@link AgentRunner}; the ones that break the contract on purpose
 * are {@link AgentProgram}s that write (or do not write) the attempt folder themselves:
 *
 * <ul>
 *   <li>{@value #NOOP}: succeeds at once, no outputs: the cost of starting an agent process.</li>
 *   <li>{@value #SLEEP}: sleeps input {@code seconds} (0 to 86400, fractions allowed), then succeeds with output
 *       {@code slept}.</li>
 *   <li>{@value #HANG}: reads its input, then blocks until killed: for timeouts and cancellation.</li>
 *   <li>{@value #CRASH}: exits {@value #CRASH_EXIT_CODE} without writing anything.</li>
 *   <li>{@value #NO_RESULT}: exits 0 without writing a result.</li>
 *   <li>{@value #BAD_OUTPUT}: writes a {@code result.json} that is not JSON, exits 0.</li>
 *   <li>{@value #NO_PROVENANCE}: writes a valid succeeded result without {@code provenance}, exits 0.</li>
 *   <li>{@value #HASH_MISMATCH}: writes {@code artifacts/data.txt} and a result declaring a wrong SHA-256 for it
 *       (correct size and provenance), exits 0.</li>
 * </ul>
 */
public final class TestAgents {

    /** Succeeds at once. */
    public static final String NOOP = "GL-TEST-NOOP";
    /** Sleeps, then succeeds. */
    public static final String SLEEP = "GL-TEST-SLEEP";
    /** Never finishes. */
    public static final String HANG = "GL-TEST-HANG";
    /** Exits {@value #CRASH_EXIT_CODE}, no result. */
    public static final String CRASH = "GL-TEST-CRASH";
    /** Exits 0, no result. */
    public static final String NO_RESULT = "GL-TEST-NO-RESULT";
    /** A result.json that is not JSON. */
    public static final String BAD_OUTPUT = "GL-TEST-BAD-OUTPUT";
    /** A result without provenance. */
    public static final String NO_PROVENANCE = "GL-TEST-NO-PROVENANCE";
    /** An artifact with a wrong declared hash. */
    public static final String HASH_MISMATCH = "GL-TEST-HASH-MISMATCH";
    /** The exit code of {@value #CRASH}: neither 1 nor 2, so a test sees the worker reports any non-zero code. */
    public static final int CRASH_EXIT_CODE = 3;

    /** The content GL-TEST-HASH-MISMATCH writes to {@code artifacts/data.txt}. */
    static final byte[] MISMATCH_CONTENT = "written by GL-TEST-HASH-MISMATCH\n".getBytes(StandardCharsets.UTF_8);

    private static final Logger log = LoggerFactory.getLogger(TestAgents.class);
    private static final double MAX_SLEEP_SECONDS = 86_400;

    private TestAgents() {
    }

    /** Every test agent, by id order. */
    public static List<AgentProgram> programs() {
        return List.of(
                new RawProgram(BAD_OUTPUT, "Test agent: writes a result.json that is not JSON, exits 0") {
                    @Override
                    void write(ArtifactStore store, S3Location folder, byte[] input) {
                        store.put(folder.resolve(ArtifactLayout.RESULT_FILE),
                                "this is not JSON {".getBytes(StandardCharsets.UTF_8), "application/json");
                    }
                },
                new Crash(),
                AgentRunner.program(new Hang()),
                new RawProgram(HASH_MISMATCH, "Test agent: writes artifacts/data.txt and declares a wrong sha256 for "
                        + "it, exits 0") {
                    @Override
                    void write(ArtifactStore store, S3Location folder, byte[] input) {
                        String path = ArtifactLayout.ARTIFACTS_DIR + "data.txt";
                        store.put(folder.resolve(path), MISMATCH_CONTENT, "text/plain");
                        String wrong = Hashing.sha256Hex("not the content of data.txt");
                        StepResult result = StepResult.succeeded(Map.of(),
                                List.of(new StepResult.Artifact(path, wrong, MISMATCH_CONTENT.length)),
                                new StepResult.Provenance(HASH_MISMATCH, "1.0.0", Hashing.sha256Hex(input)));
                        store.put(folder.resolve(ArtifactLayout.RESULT_FILE), result.toJsonBytes(), "application/json");
                    }
                },
                new RawProgram(NO_PROVENANCE, "Test agent: writes a valid succeeded result without provenance, "
                        + "exits 0") {
                    @Override
                    void write(ArtifactStore store, S3Location folder, byte[] input) {
                        String json = "{\"api_version\":\"" + StepResult.API_VERSION + "\",\"artifacts\":[],"
                                + "\"outputs\":{},\"status\":\"succeeded\"}";
                        store.put(folder.resolve(ArtifactLayout.RESULT_FILE), json.getBytes(StandardCharsets.UTF_8),
                                "application/json");
                    }
                },
                new NoResult(),
                AgentRunner.program(new Noop()),
                AgentRunner.program(new Sleep()));
    }

    /** Succeeds at once with no outputs. */
    static final class Noop implements Agent {
        @Override
        public String id() {
            return NOOP;
        }

        @Override
        public String version() {
            return "1.0.0";
        }

        @Override
        public String description() {
            return "Test agent: succeeds at once with no outputs (the cost of starting an agent process)";
        }

        @Override
        public void run(AgentContext context) {
            // Nothing: the runner reads the input and writes the result, which is what this agent measures.
        }
    }

    /** Sleeps {@code seconds}, then succeeds. */
    static final class Sleep implements Agent {
        @Override
        public String id() {
            return SLEEP;
        }

        @Override
        public String version() {
            return "1.0.0";
        }

        @Override
        public String description() {
            return "Test agent: sleeps input 'seconds', then succeeds with output 'slept'";
        }

        @Override
        public void run(AgentContext context) throws InterruptedException {
            double seconds = context.requireNumber("seconds");
            if (!(seconds >= 0 && seconds <= MAX_SLEEP_SECONDS)) {
                throw new GreenLangException(ErrorCode.PARAM_RANGE, "seconds must be in [0, " + (long) MAX_SLEEP_SECONDS
                        + "], got " + seconds);
            }
            // Sleeping is this agent's job, not a wait for a condition.
            Thread.sleep(Math.round(seconds * 1000));
            context.output("slept", Decimals.format(seconds, 3));
        }
    }

    /** Reads its input, then blocks until the process is killed. */
    static final class Hang implements Agent {
        @Override
        public String id() {
            return HANG;
        }

        @Override
        public String version() {
            return "1.0.0";
        }

        @Override
        public String description() {
            return "Test agent: reads its input, then blocks until killed (timeouts, cancellation)";
        }

        @Override
        public void run(AgentContext context) throws InterruptedException {
            log.info("{} blocks until the process is killed", HANG);
            new CountDownLatch(1).await();
        }
    }

    /** Exits {@value #CRASH_EXIT_CODE} without touching the bucket. */
    static final class Crash implements AgentProgram {
        @Override
        public String id() {
            return CRASH;
        }

        @Override
        public String description() {
            return "Test agent: exits " + CRASH_EXIT_CODE + " without writing a result";
        }

        @Override
        public int run(Map<String, String> environment) {
            log.error("{} exits {} without writing a result, on purpose", CRASH, CRASH_EXIT_CODE);
            return CRASH_EXIT_CODE;
        }
    }

    /** Exits 0 without writing anything. */
    static final class NoResult implements AgentProgram {
        @Override
        public String id() {
            return NO_RESULT;
        }

        @Override
        public String description() {
            return "Test agent: exits 0 without writing a result";
        }

        @Override
        public int run(Map<String, String> environment) {
            log.warn("{} exits 0 without writing a result, on purpose", NO_RESULT);
            return AgentProgram.EXIT_RESULT_WRITTEN;
        }
    }

    /** A program that reads its input and writes the attempt folder by hand. */
    private abstract static class RawProgram implements AgentProgram {

        private final String id;
        private final String description;

        RawProgram(String id, String description) {
            this.id = id;
            this.description = description;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public int run(Map<String, String> environment) {
            AgentEnvironment env;
            try {
                env = AgentEnvironment.from(environment);
            } catch (IllegalArgumentException e) {
                log.error("{} cannot start: {}", id, e.getMessage());
                return AgentProgram.EXIT_USAGE;
            }
            try (ArtifactStore store = env.openStore(new GlMeters(new SimpleMeterRegistry()))) {
                byte[] input = store.get(env.input());
                S3Location folder = env.outputFolder().orElseGet(() -> RunContext.parse(input).outputLocation());
                write(store, folder, input);
                log.warn("{} wrote a broken result to {}, on purpose", id, folder);
                return AgentProgram.EXIT_RESULT_WRITTEN;
            } catch (GreenLangException e) {
                log.error("{} failed: {}", id, e.getMessage());
                return AgentProgram.EXIT_CRASH;
            }
        }

        /** Writes the attempt folder. */
        abstract void write(ArtifactStore store, S3Location folder, byte[] input);
    }
}
