package io.greenlang.agents;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.greenlang.agents.sdk.AgentEnvironment;
import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.testkit.TestInfra;

/** Test support: what the worker does before it launches an agent, against the test S3 server. */
final class AgentRuns {

    static final String TENANT = "acme";

    private AgentRuns() {
    }

    /** The {@code GL_S3_*} settings of the test S3 server and this class's bucket. */
    static Map<String, String> s3Env(TestInfra infra) {
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.S3_ENDPOINT, infra.s3Endpoint().toString());
        env.put(GlConfig.S3_REGION, infra.localStack().s3Region());
        env.put(GlConfig.S3_ACCESS_KEY_ID, infra.localStack().s3AccessKey());
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, infra.localStack().s3SecretKey());
        env.put(GlConfig.S3_BUCKET, infra.bucket());
        return env;
    }

    /** A store on the test bucket; the caller closes it. */
    static ArtifactStore store(TestInfra infra) {
        return ArtifactStore.fromConfig(GlConfig.load(s3Env(infra), Optional.empty()),
                new GlMeters(new SimpleMeterRegistry()));
    }

    /** A new run id, so tests sharing the bucket never share folders. */
    static String newRunId() {
        return "run-" + UUID.randomUUID();
    }

    /**
     * One launched attempt: its folder, the input.json bytes written and the process environment.
     *
     * @param folder the attempt folder
     * @param input  the exact bytes of input.json
     * @param env    GL_INPUT_URI, GL_OUTPUT_URI, GL_AGENT_ID and GL_S3_*
     */
    record Attempt(S3Location folder, byte[] input, Map<String, String> env) {
    }

    /** Writes input.json for a step attempt, as the worker does, and returns the agent's environment. */
    static Attempt prepare(TestInfra infra, ArtifactStore store, String runId, String step, String agent,
                           Map<String, String> parameters, Map<String, String> inputs) {
        S3Location folder = ArtifactLayout.stepFolder(infra.bucket(), TENANT, runId, step, 1);
        RunContext context = new RunContext(RunContext.API_VERSION, runId, step, 1, TENANT, agent, parameters, inputs,
                folder.uri(), Instant.now().plusSeconds(600), 600, runId + "/" + step + "/1");
        byte[] input = context.toJsonBytes();
        store.put(folder.resolve(ArtifactLayout.INPUT_FILE), input, "application/json");
        Map<String, String> env = s3Env(infra);
        env.put(AgentEnvironment.INPUT_URI, folder.resolve(ArtifactLayout.INPUT_FILE).uri());
        env.put(AgentEnvironment.OUTPUT_URI, folder.uri());
        env.put(AgentEnvironment.AGENT_ID, agent);
        return new Attempt(folder, input, env);
    }
}
