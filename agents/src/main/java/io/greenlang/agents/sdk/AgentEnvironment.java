package io.greenlang.agents.sdk;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;

/**
 * What the worker tells an agent process through its environment:
 *
 * <ul>
 *   <li>{@value #INPUT_URI}: the attempt's {@code input.json}
 *       ({@code s3://bucket/.../steps/<step>.<attempt>/input.json}); required.</li>
 *   <li>{@value #OUTPUT_URI}: the attempt's folder, where {@code result.json} and {@code artifacts/} go. When
 *       absent (an agent run by hand), the {@code output_uri} of {@code input.json} is used.</li>
 *   <li>{@value #AGENT_ID}: the agent id; {@code AgentMain} uses it when no id is given as an argument.</li>
 *   <li>{@code GL_S3_*}: how to reach the bucket, read by {@link GlConfig}.</li>
 * </ul>
 *
 * @param input        where {@code input.json} is
 * @param outputFolder the attempt's folder, when {@value #OUTPUT_URI} is set
 * @param agentId      {@value #AGENT_ID}, when set
 * @param config       the {@code GL_*} settings
 */
public record AgentEnvironment(S3Location input, Optional<S3Location> outputFolder, Optional<String> agentId,
                               GlConfig config) {

    /** The {@code input.json} URI. */
    public static final String INPUT_URI = "GL_INPUT_URI";
    /** The attempt folder URI. */
    public static final String OUTPUT_URI = "GL_OUTPUT_URI";
    /** The agent id. */
    public static final String AGENT_ID = "GL_AGENT_ID";

    /** Validates. */
    public AgentEnvironment {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(outputFolder, "outputFolder");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(config, "config");
    }

    /**
     * Reads the environment.
     *
     * @throws IllegalArgumentException when {@value #INPUT_URI} is missing or a URI is not {@code s3://bucket/key},
     *                                  or when a {@code GL_*} setting is invalid; the message names the variable
     */
    public static AgentEnvironment from(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String input = environment.get(INPUT_URI);
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException(INPUT_URI + " is not set: the worker sets it to the s3:// URI of the "
                    + "attempt's input.json");
        }
        S3Location inputLocation = location(INPUT_URI, input.strip());
        Optional<S3Location> output = Optional.ofNullable(environment.get(OUTPUT_URI)).map(String::strip)
                .filter(s -> !s.isEmpty()).map(s -> folder(location(OUTPUT_URI, s)));
        Optional<String> agentId = Optional.ofNullable(environment.get(AGENT_ID)).map(String::strip)
                .filter(s -> !s.isEmpty());
        // The three contract variables are not GlConfig settings; leave them out so it does not log them as unknown.
        Map<String, String> settings = new HashMap<>(environment);
        settings.keySet().removeAll(java.util.Set.of(INPUT_URI, OUTPUT_URI, AGENT_ID));
        GlConfig config;
        try {
            config = GlConfig.load(settings, Optional.empty());
        } catch (GlConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new AgentEnvironment(inputLocation, output, agentId, config);
    }

    /** A store over a client built from the {@code GL_S3_*} settings; the caller closes it. */
    public ArtifactStore openStore(GlMeters meters) {
        return ArtifactStore.fromConfig(config, meters);
    }

    /** {@code location} as a folder: its key ends with {@code /}. */
    static S3Location folder(S3Location location) {
        String key = location.key();
        return key.isEmpty() || key.endsWith("/") ? location : new S3Location(location.bucket(), key + "/");
    }

    private static S3Location location(String variable, String uri) {
        try {
            return S3Location.parse(uri);
        } catch (GreenLangException | IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " must be an s3://bucket/key URI, got '" + uri + "'", e);
        }
    }
}
