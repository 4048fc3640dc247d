package io.greenlang.agents;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package rules of the agents module. */
class AgentsArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.greenlang.agents");

    @Test
    void sdkStaysFreeOfKafkaAndOfTheAgentsBuiltOnIt() {
        noClasses().that().resideInAPackage("io.greenlang.agents.sdk..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.greenlang.topics..",
                        "io.greenlang.schemas..", "io.greenlang.agents.reference..", "io.greenlang.agents.testing..")
                .because("an agent is a plain process that reads and writes the artifact bucket; agent authors must "
                        + "not need Kafka, and the SDK must not know the agents built on it")
                .check(CLASSES);
    }

    @Test
    void referenceAgentsDoNotUseTestAgents() {
        noClasses().that().resideInAPackage("io.greenlang.agents.reference..")
                .should().dependOnClassesThat().resideInAPackage("io.greenlang.agents.testing..")
                .because("test agents break the contract on purpose and must never be part of a real agent")
                .check(CLASSES);
    }

    @Test
    void productionCodeNeverUsesTestSupport() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.greenlang.testkit..", "org.junit..",
                        "io.greenlang.localstack..")
                .because("production code never depends on testkit (ARCHITECTURE.md section 2)")
                .check(CLASSES);
    }
}
