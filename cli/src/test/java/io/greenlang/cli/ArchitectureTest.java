package io.greenlang.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of ARCHITECTURE §2: schemas <- topics <- common <- pipeline <- services <- cli.
 * Services talk to each other only through topics; local-stack depends on no service; production code never
 * depends on the testkit. The cli module sees every module, so the rules run here over all production classes.
 */
class ArchitectureTest {

    private static final String SCHEMAS = "io.greenlang.schemas..";
    private static final String EVENTS = "io.greenlang.events..";
    private static final String TOPICS = "io.greenlang.topics..";
    private static final String COMMON = "io.greenlang.common..";
    private static final String PIPELINE = "io.greenlang.pipeline..";
    private static final String STREAMS = "io.greenlang.streams..";
    private static final String EXECUTOR = "io.greenlang.executor..";
    private static final String AGENTS = "io.greenlang.agents..";
    private static final String SCADA = "io.greenlang.scada..";
    private static final String AUDIT = "io.greenlang.audit..";
    private static final String GATEWAY = "io.greenlang.gateway..";
    private static final String LOCAL_STACK = "io.greenlang.localstack..";
    private static final String TESTKIT = "io.greenlang.testkit..";
    private static final String CLI = "io.greenlang.cli..";
    private static final String BENCH = "io.greenlang.bench..";
    private static final String[] SERVICES = {STREAMS, EXECUTOR, AGENTS, SCADA, AUDIT, GATEWAY};

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.greenlang");
    }

    @Test
    void shouldImportTheProductionClassesOfEveryModuleSoThatTheRulesCanFail() {
        for (String type : new String[] {"io.greenlang.schemas.EventSerde", "io.greenlang.events.run.RunRequested",
                "io.greenlang.topics.TopicCatalog", "io.greenlang.common.error.ErrorCode",
                "io.greenlang.localstack.LocalStack", "io.greenlang.cli.Gl"}) {
            org.assertj.core.api.Assertions.assertThat(classes.contain(type)).as(type).isTrue();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void check(ArchRule rule) {
        rule.allowEmptyShould(true).check(classes);
    }

    @Test
    void schemasShouldDependOnNoOtherModule() {
        check(noClasses().that().resideInAnyPackage(SCHEMAS, EVENTS)
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVICES, TOPICS, COMMON, PIPELINE,
                        LOCAL_STACK, TESTKIT, CLI, BENCH))
                .because("the event contracts are the root of the platform: every module reads them, they read none"));
    }

    @Test
    void topicsShouldDependOnlyOnSchemas() {
        check(noClasses().that().resideInAPackage(TOPICS)
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVICES, COMMON, PIPELINE, LOCAL_STACK,
                        TESTKIT, CLI, BENCH))
                .because("the topic catalog describes topics and serdes only; configuration and services build on it"));
    }

    @Test
    void commonShouldNotDependOnPipelineOrServices() {
        check(noClasses().that().resideInAPackage(COMMON)
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVICES, PIPELINE, LOCAL_STACK, TESTKIT,
                        CLI, BENCH))
                .because("common is shared by every service, so it cannot know any of them"));
    }

    @Test
    void pipelineShouldNotDependOnServices() {
        check(noClasses().that().resideInAPackage(PIPELINE)
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVICES, LOCAL_STACK, TESTKIT, CLI, BENCH))
                .because("the pipeline spec and policy engine are used by the gateway and the orchestrator alike"));
    }

    @Test
    void servicesShouldTalkToEachOtherOnlyThroughTopics() {
        for (String service : SERVICES) {
            String[] others = java.util.Arrays.stream(SERVICES)
                    .filter(s -> !s.equals(service))
                    // The gateway reads and verifies the audit store through audit-sink's read API, so that the
                    // hash rules live in one place (ARCHITECTURE §2).
                    .filter(s -> !(service.equals(GATEWAY) && s.equals(AUDIT)))
                    .toArray(String[]::new);
            check(noClasses().that().resideInAPackage(service)
                    .should().dependOnClassesThat().resideInAnyPackage(concat(others, CLI, BENCH, LOCAL_STACK))
                    .because("services are deployed and scaled apart and must only share events on topics"));
        }
    }

    @Test
    void localStackShouldDependOnNoPlatformModule() {
        check(noClasses().that().resideInAPackage(LOCAL_STACK)
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVICES, SCHEMAS, EVENTS, TOPICS, COMMON,
                        PIPELINE, TESTKIT, CLI, BENCH))
                .because("the local stack is infrastructure only: the same servers must serve any version of the "
                        + "services"));
    }

    @Test
    void productionCodeShouldNeverDependOnTheTestkit() {
        check(noClasses().that().resideOutsideOfPackage(TESTKIT)
                .should().dependOnClassesThat().resideInAPackage(TESTKIT)
                .because("test fixtures must not leak into what is shipped"));
    }
}
