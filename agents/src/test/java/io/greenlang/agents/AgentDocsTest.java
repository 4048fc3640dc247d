package io.greenlang.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.greenlang.agents.reference.EmissionFactors;

/** docs/agents.md shows the tables as declared in code, so they cannot drift apart. */
class AgentDocsTest {

    private static String docs() throws IOException {
        // Surefire runs in the module directory.
        return Files.readString(Path.of("..", "docs", "agents.md"));
    }

    @Test
    void docsListEveryAgentAsTheCatalogDeclaresIt() throws IOException {
        assertThat(docs()).contains(AgentCatalog.builtIn().toMarkdown());
    }

    @Test
    void docsShowTheEmissionFactorTableAsDeclared() throws IOException {
        assertThat(docs()).contains(EmissionFactors.toMarkdown());
    }
}
