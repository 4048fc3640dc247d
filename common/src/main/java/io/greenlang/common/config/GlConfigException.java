package io.greenlang.common.config;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigException;

/**
 * Start-up failure: one or more GreenLang settings have a bad value. The message lists every problem, each with
 * the key, the value (or {@code [hidden]} for passwords) and the allowed values, so one restart fixes them all.
 *
 * <p>It extends Kafka's {@link ConfigException} rather than
 * {@link io.greenlang.common.error.GreenLangException}: the runbook's error catalogue (§6) has no code for a
 * misconfigured service (its USER_CONFIG codes are about pipeline documents), and the catalogue must stay
 * exactly the runbook's. Services let it propagate out of {@code main}; it must never be caught and ignored.
 */
public class GlConfigException extends ConfigException {

    /**
     * One bad setting.
     *
     * @param key     the setting's name, e.g. {@code GL_MAX_PARALLEL_STEPS}
     * @param value   the value as given, or {@code [hidden]} for passwords
     * @param allowed what the setting accepts, e.g. {@code [deny, allow]}
     * @param reason  why the value was rejected
     */
    public record Problem(String key, String value, String allowed, String reason) {

        @Override
        public String toString() {
            return key + "=" + value + ": " + reason + " (allowed: " + allowed + ")";
        }
    }

    private final transient List<Problem> problems;

    /**
     * @param source   where the values came from, e.g. "environment and /etc/gl.properties"
     * @param problems the bad settings, at least one
     */
    public GlConfigException(String source, List<Problem> problems) {
        super(message(source, problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * @param message what went wrong, naming the key or file
     */
    public GlConfigException(String message) {
        super(message);
        this.problems = List.of();
    }

    /** The bad settings, in declaration order; empty when the failure was not about one value. */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String source, List<Problem> problems) {
        return "Invalid GreenLang configuration from " + source + " (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n  "
                + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
    }
}
