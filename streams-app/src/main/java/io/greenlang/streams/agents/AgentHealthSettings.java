package io.greenlang.streams.agents;

import java.time.Duration;
import java.util.Objects;

import io.greenlang.common.config.GlConfig;

/**
 * Thresholds of the agent health topology. The runbook gives the cascade thresholds (5 agents down: warning,
 * 10 or more: critical); it gives no heartbeat thresholds, so those defaults are this platform's.
 *
 * @param heartbeatInterval    how often each agent is expected to heartbeat
 * @param degradedAfterMissed  missed intervals after which a live agent is DEGRADED (late, not yet down)
 * @param downAfterMissed      missed intervals after which an agent is DOWN (no heartbeat for this many
 *                             intervals)
 * @param stallAfterHeartbeats consecutive heartbeats without an advancing sequence after which an agent is STALLED
 * @param punctuationInterval  how often the wall-clock punctuator re-evaluates every agent
 * @param cascadeWarning       agents DOWN in one scope (a plant, or one group of a plant) that raise a WARNING
 * @param cascadeCritical      agents DOWN in one scope that raise a CRITICAL alert
 */
public record AgentHealthSettings(Duration heartbeatInterval, int degradedAfterMissed, int downAfterMissed,
                                  int stallAfterHeartbeats, Duration punctuationInterval, int cascadeWarning,
                                  int cascadeCritical) {

    /** Default expected heartbeat interval; also the heartbeat simulator's default. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    /** Runbook "Alerting Thresholds", sub-agent cascade, warning: 5 agents down. */
    public static final int RUNBOOK_CASCADE_WARNING = 5;
    /** Runbook "Alerting Thresholds", sub-agent cascade, critical: 10+ agents down. */
    public static final int RUNBOOK_CASCADE_CRITICAL = 10;

    /** Validates the thresholds. */
    public AgentHealthSettings {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive, was " + heartbeatInterval);
        }
        if (punctuationInterval.isNegative() || punctuationInterval.isZero()) {
            throw new IllegalArgumentException("punctuationInterval must be positive, was " + punctuationInterval);
        }
        if (degradedAfterMissed < 1 || downAfterMissed <= degradedAfterMissed) {
            throw new IllegalArgumentException("need 1 <= degradedAfterMissed < downAfterMissed, was "
                    + degradedAfterMissed + " and " + downAfterMissed);
        }
        if (stallAfterHeartbeats < 1) {
            throw new IllegalArgumentException("stallAfterHeartbeats must be >= 1, was " + stallAfterHeartbeats);
        }
        if (cascadeWarning < 1 || cascadeCritical < cascadeWarning) {
            throw new IllegalArgumentException("need 1 <= cascadeWarning <= cascadeCritical, was " + cascadeWarning
                    + " and " + cascadeCritical);
        }
    }

    /**
     * The defaults: {@link #DEFAULT_HEARTBEAT_INTERVAL}, DEGRADED after 2 missed intervals, DOWN after 3, STALLED
     * after 3 heartbeats without progress, punctuation every second, the runbook's cascade thresholds.
     */
    public static AgentHealthSettings defaults() {
        return withHeartbeatInterval(DEFAULT_HEARTBEAT_INTERVAL);
    }

    /** The defaults for agents heartbeating every {@code GL_AGENT_HEARTBEAT_INTERVAL_SECONDS}. */
    public static AgentHealthSettings fromConfig(GlConfig config) {
        return withHeartbeatInterval(config.agentHeartbeatInterval());
    }

    /** The defaults for agents heartbeating every {@code interval}; punctuation at most every second. */
    public static AgentHealthSettings withHeartbeatInterval(Duration interval) {
        Duration punctuation = interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
        return new AgentHealthSettings(interval, 2, 3, 3, punctuation, RUNBOOK_CASCADE_WARNING,
                RUNBOOK_CASCADE_CRITICAL);
    }
}
