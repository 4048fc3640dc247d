package io.greenlang.agents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.greenlang.agents.reference.BoilerEfficiencyAgent;
import io.greenlang.agents.reference.DataLoaderAgent;
import io.greenlang.agents.reference.EmissionsAgent;
import io.greenlang.agents.sdk.AgentProgram;
import io.greenlang.agents.sdk.AgentRunner;
import io.greenlang.agents.testing.TestAgents;

/**
 * The agents this process can run, by id: the reference agents and the test agents. The list in
 * {@code docs/agents.md} is {@link #toMarkdown()} (a test keeps the two equal). Immutable.
 */
public final class AgentCatalog {

    private final Map<String, AgentProgram> programs;

    private AgentCatalog(Collection<AgentProgram> programs) {
        Map<String, AgentProgram> byId = new TreeMap<>();
        for (AgentProgram program : programs) {
            if (byId.putIfAbsent(program.id(), program) != null) {
                throw new IllegalArgumentException("two agents have the id " + program.id());
            }
        }
        this.programs = Map.copyOf(byId);
    }

    /** Every built-in agent. */
    public static AgentCatalog builtIn() {
        List<AgentProgram> all = new ArrayList<>();
        all.add(AgentRunner.program(new DataLoaderAgent()));
        all.add(AgentRunner.program(new EmissionsAgent()));
        all.add(AgentRunner.program(new BoilerEfficiencyAgent()));
        all.addAll(TestAgents.programs());
        return new AgentCatalog(all);
    }

    /** The agent with this id, if there is one. */
    public Optional<AgentProgram> find(String id) {
        return Optional.ofNullable(programs.get(id));
    }

    /** Every agent, by id. */
    public List<AgentProgram> programs() {
        return programs.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** Every id, sorted. */
    public List<String> ids() {
        return programs().stream().map(AgentProgram::id).toList();
    }

    /** The catalog as a Markdown table, for {@code docs/agents.md}. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder("| id | what it does |\n|---|---|\n");
        for (AgentProgram program : programs()) {
            md.append("| `").append(program.id()).append("` | ").append(program.description()).append(" |\n");
        }
        return md.toString();
    }
}
