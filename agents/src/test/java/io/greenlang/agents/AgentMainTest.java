package io.greenlang.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.greenlang.agents.sdk.AgentProgram;
import io.greenlang.agents.testing.TestAgents;

/** Command-line handling of the agents process; the agents run are ones that need no bucket. */
class AgentMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return AgentMain.run(args, env, AgentCatalog.builtIn(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldListEveryAgentIdOnePerLine() {
        assertThat(run(Map.of(), "--list")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("GL-002", "GL-DATA-X-001",
                "GL-MRV-X-001", "GL-TEST-BAD-OUTPUT", "GL-TEST-CRASH", "GL-TEST-HANG", "GL-TEST-HASH-MISMATCH",
                "GL-TEST-NO-PROVENANCE", "GL-TEST-NO-RESULT", "GL-TEST-NOOP", "GL-TEST-SLEEP");
    }

    @Test
    void shouldExitWithUsageCodeAndListKnownIdsForAnUnknownAgent() {
        assertThat(run(Map.of(), "GL-NOPE")).isEqualTo(AgentProgram.EXIT_USAGE);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown agent 'GL-NOPE'", "GL-MRV-X-001",
                "GL-TEST-NOOP");
    }

    @Test
    void shouldExitWithUsageCodeWithoutAnAgentId() {
        assertThat(run(Map.of())).isEqualTo(AgentProgram.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no agent id");
    }

    @Test
    void shouldRunTheAgentNamedByTheLastArgumentAndReturnItsExitCode() {
        assertThat(run(Map.of(), TestAgents.CRASH)).isEqualTo(TestAgents.CRASH_EXIT_CODE);
        assertThat(run(Map.of(), TestAgents.CRASH, TestAgents.CRASH)).isEqualTo(TestAgents.CRASH_EXIT_CODE);
    }

    @Test
    void shouldRefuseTwoDifferentAgentIds() {
        assertThat(run(Map.of(), TestAgents.CRASH, TestAgents.NO_RESULT)).isEqualTo(AgentProgram.EXIT_USAGE);
    }

    @Test
    void shouldTakeTheAgentIdFromTheEnvironmentWhenNoArgumentGivesIt() {
        assertThat(run(Map.of("GL_AGENT_ID", TestAgents.NO_RESULT))).isZero();
        assertThat(run(Map.of("GL_AGENT_ID", TestAgents.CRASH))).isEqualTo(TestAgents.CRASH_EXIT_CODE);
    }

    @Test
    void shouldExitWithUsageCodeWhenTheInputUriIsMissing() {
        assertThat(run(Map.of(), TestAgents.NOOP)).isEqualTo(AgentProgram.EXIT_USAGE);
        assertThat(run(Map.of("GL_INPUT_URI", "file:///tmp/input.json"), TestAgents.NOOP))
                .isEqualTo(AgentProgram.EXIT_USAGE);
    }

    @Test
    void shouldMapTheRunbookLogLevelsToLog4jLevels() {
        assertThat(AgentMain.log4jLevel("WARNING")).isEqualTo("WARN");
        assertThat(AgentMain.log4jLevel(" debug ")).isEqualTo("DEBUG");
        assertThat(AgentMain.log4jLevel(null)).isEqualTo("INFO");
        assertThat(AgentMain.log4jLevel("verbose")).isEqualTo("INFO");
    }
}
