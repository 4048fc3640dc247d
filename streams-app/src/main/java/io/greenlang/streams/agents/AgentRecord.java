package io.greenlang.streams.agents;

/** What the health processor remembers of one agent (value of {@link AgentHealthTopology#HEALTH_STORE}). */
final class AgentRecord {
    String plantId;
    String group;
    String tenantId;
    String traceId;
    /** Wall-clock time (this application's clock) the last heartbeat was processed. */
    long lastSeenMs;
    /** The last heartbeat's {@code sent_at}, by the agent's clock. */
    long lastSentAtMs;
    /** The highest sequence seen. */
    long sequence;
    /** Consecutive heartbeats whose sequence did not advance past {@link #sequence}. */
    int unchangedHeartbeats;
    /** The agent's own status word from its last heartbeat. */
    String selfStatus;
    /** The last published status (an {@code AgentStatus} name). */
    String status;
    int missed;
}
