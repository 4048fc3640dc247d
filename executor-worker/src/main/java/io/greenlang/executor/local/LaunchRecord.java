package io.greenlang.executor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.greenlang.executor.AttemptId;

/**
 * What {@code launch.json} records about one launch, written before the process is started. It holds what a
 * restarted worker needs to watch the attempt (who, which command, since when, until when), and deliberately not
 * the agent's environment: that carries the S3 secret, which must not sit on disk.
 *
 * @param tenant     the tenant
 * @param runId      the run
 * @param step       the step
 * @param attempt    the attempt
 * @param agent      the agent id
 * @param command    the agent's command line (without the wrapper)
 * @param launchedAt when the process was started, epoch milliseconds
 * @param timeoutMs  the step timeout in milliseconds
 */
record LaunchRecord(
        @JsonProperty("tenant") String tenant,
        @JsonProperty("run_id") String runId,
        @JsonProperty("step") String step,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("agent") String agent,
        @JsonProperty("command") List<String> command,
        @JsonProperty("launched_at") long launchedAt,
        @JsonProperty("timeout_ms") long timeoutMs) {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    LaunchRecord {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(runId, "run_id");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(agent, "agent");
        command = List.copyOf(command);
    }

    AttemptId id() {
        return new AttemptId(tenant, runId, step, attempt);
    }

    Instant launchedAtInstant() {
        return Instant.ofEpochMilli(launchedAt);
    }

    Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }

    Instant deadline() {
        return launchedAtInstant().plus(timeout());
    }

    byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the launch record of " + id(), e);
        }
    }

    static LaunchRecord parse(byte[] json) throws IOException {
        return MAPPER.readValue(json, LaunchRecord.class);
    }
}
