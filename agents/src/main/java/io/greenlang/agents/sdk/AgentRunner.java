package io.greenlang.agents.sdk;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.artifact.StepResult;
import io.greenlang.common.error.ErrorClass;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.metrics.GlMeters;

/**
 * Runs an {@link Agent} under the platform's contract and returns the process exit code
 * ({@link AgentProgram#EXIT_RESULT_WRITTEN}, {@link AgentProgram#EXIT_CRASH}, {@link AgentProgram#EXIT_USAGE}):
 *
 * <ol>
 *   <li>read the bytes of {@code GL_INPUT_URI} and hash them: that SHA-256 is {@code provenance.input_sha256}, so
 *       the worker can check that the result answers the input it wrote;</li>
 *   <li>parse them as a {@link RunContext}; a document that is not one, or that names another agent, gives a
 *       failed result with {@code GL-E-INTERNAL} (the platform wrote it wrong);</li>
 *   <li>run the agent; a {@link GreenLangException} gives a failed result with its code and exit 0, any other
 *       exception a failed result with {@code GL-E-AGENT-CRASH} and exit 1;</li>
 *   <li>write {@code result.json} to the attempt folder ({@code GL_OUTPUT_URI}, else the input's
 *       {@code output_uri}), with provenance (agent id, agent version, input hash) and the artifacts' hashes.</li>
 * </ol>
 *
 * <p>When {@code input.json} cannot be read or {@code result.json} cannot be written, nothing truthful can be
 * reported in the bucket: the runner logs why and returns {@link AgentProgram#EXIT_CRASH}. It never calls
 * {@link System#exit}: that is the job of {@code main}.
 */
public final class AgentRunner {

    private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);
    /** Failure messages are for people; keep result.json small. */
    private static final int MAX_MESSAGE_CHARS = 4000;

    /** A program that runs {@code agent} with this runner. */
    public static AgentProgram program(Agent agent) {
        Objects.requireNonNull(agent, "agent");
        return new AgentProgram() {
            @Override
            public String id() {
                return agent.id();
            }

            @Override
            public String description() {
                return agent.description();
            }

            @Override
            public int run(Map<String, String> environment) {
                return new AgentRunner().run(agent, environment);
            }
        };
    }

    /**
     * Runs {@code agent} with the bucket named by the {@code GL_S3_*} settings of {@code environment}.
     *
     * @return the exit code
     */
    public int run(Agent agent, Map<String, String> environment) {
        AgentEnvironment env;
        try {
            env = AgentEnvironment.from(environment);
        } catch (IllegalArgumentException e) {
            log.error("{} cannot start: {}", agent.id(), e.getMessage());
            return AgentProgram.EXIT_USAGE;
        }
        // Agents are short-lived processes: nothing scrapes them, the meters only feed the closing log line.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ArtifactStore store = env.openStore(new GlMeters(registry))) {
            return run(agent, env, store);
        }
    }

    /**
     * Runs {@code agent} against {@code store} (which the caller owns).
     *
     * @return the exit code
     */
    public int run(Agent agent, AgentEnvironment env, ArtifactStore store) {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(store, "store");
        byte[] input;
        try {
            input = store.get(env.input());
        } catch (GreenLangException e) {
            log.error("{} cannot read its input {}: {}", agent.id(), env.input(), e.getMessage());
            return AgentProgram.EXIT_CRASH;
        }
        StepResult.Provenance provenance = new StepResult.Provenance(agent.id(), agent.version(),
                Hashing.sha256Hex(input));

        RunContext run;
        S3Location folder;
        try {
            run = RunContext.parse(input);
            folder = env.outputFolder().orElseGet(() -> AgentEnvironment.folder(run.outputLocation()));
        } catch (GreenLangException e) {
            String where = agent.id() + " " + env.input();
            log.error("{}: {}", where, e.getMessage());
            Optional<S3Location> known = env.outputFolder();
            if (known.isEmpty()) {
                log.error("{}: no {} and no readable output_uri: cannot write a result", where,
                        AgentEnvironment.OUTPUT_URI);
                return AgentProgram.EXIT_CRASH;
            }
            return write(store, known.get(), failed(e.errorCode(), e.detailMessage(), provenance),
                    AgentProgram.EXIT_RESULT_WRITTEN, where);
        }
        String prefix = "[" + run.runId() + " " + ArtifactLayout.stepId(run.step(), run.attempt()) + " " + agent.id()
                + "]";
        String declared = run.outputUri().endsWith("/") ? run.outputUri() : run.outputUri() + "/";
        if (!folder.uri().equals(declared)) {
            log.warn("{} {} is {} but input.json says {}; writing to the former", prefix, AgentEnvironment.OUTPUT_URI,
                    folder, run.outputUri());
        }
        if (!agent.id().equals(run.agent())) {
            StepResult wrongAgent = failed(ErrorCode.INTERNAL, "input.json is for agent " + run.agent()
                    + " but agent " + agent.id() + " was launched", provenance);
            return write(store, folder, wrongAgent, AgentProgram.EXIT_RESULT_WRITTEN, prefix);
        }

        AgentContext context = new AgentContext(run, folder, store);
        long started = System.nanoTime();
        StepResult result;
        int exit;
        log.info("{} started (input sha256 {})", prefix, provenance.inputSha256());
        try {
            agent.run(context);
            result = StepResult.succeeded(context.outputs(), context.artifacts(), provenance);
            exit = AgentProgram.EXIT_RESULT_WRITTEN;
            log.info("{} succeeded in {} ms: outputs {}, {} artifact(s)", prefix, millisSince(started),
                    context.outputs().keySet(), context.artifacts().size());
        } catch (GreenLangException e) {
            if (e.errorClass() == ErrorClass.USER_CONFIG || e.errorClass() == ErrorClass.POLICY_DENIED) {
                log.warn("{} failed after {} ms: {}", prefix, millisSince(started), e.getMessage());
            } else {
                log.error("{} failed after {} ms", prefix, millisSince(started), e);
            }
            result = failed(e.errorCode(), e.detailMessage(), provenance);
            exit = AgentProgram.EXIT_RESULT_WRITTEN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("{} interrupted after {} ms", prefix, millisSince(started));
            result = failed(ErrorCode.AGENT_CRASH, "interrupted", provenance);
            exit = AgentProgram.EXIT_CRASH;
        } catch (Exception e) {
            log.error("{} crashed after {} ms", prefix, millisSince(started), e);
            result = failed(ErrorCode.AGENT_CRASH, e.getClass().getName() + ": " + e.getMessage(), provenance);
            exit = AgentProgram.EXIT_CRASH;
        } finally {
            try {
                context.deleteWorkDirectory();
            } catch (IOException e) {
                log.warn("{} could not delete its work directory: {}", prefix, e.toString());
            }
        }
        return write(store, folder, result, exit, prefix);
    }

    private static StepResult failed(ErrorCode code, String message, StepResult.Provenance provenance) {
        String text = message == null || message.isBlank() ? code.description() : message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS) + "... (truncated; see logs.txt)";
        }
        return StepResult.failed(new StepResult.Failure(code.code(), text), provenance);
    }

    private static int write(ArtifactStore store, S3Location folder, StepResult result, int exit, String prefix) {
        S3Location target = folder.resolve(ArtifactLayout.RESULT_FILE);
        try {
            store.put(target, result.toJsonBytes(), "application/json");
            log.info("{} wrote {} (status {}{})", prefix, target, result.status().jsonValue(),
                    result.error() == null ? "" : ", " + result.error().code());
            return exit;
        } catch (GreenLangException e) {
            log.error("{} cannot write {}: {}", prefix, target, e.getMessage());
            return AgentProgram.EXIT_CRASH;
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
