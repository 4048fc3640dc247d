package io.greenlang.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A second top-level class in the same failsafe JVM as {@link LocalStackExtensionIT}: whichever runs first
 * starts the stack, the other must find it running.
 */
@GreenLangIntegrationTest
class SharedStackAcrossClassesIT {

    @Test
    void shouldReuseTheStackStartedOncePerJvm(TestInfra infra) throws Exception {
        assertThat(LocalStackExtension.startCount()).isEqualTo(1);
        assertThat(infra.testClass()).isEqualTo(SharedStackAcrossClassesIT.class);
        assertThat(infra.adminClient().describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
    }

    @Test
    void shouldGiveTheSameInfraToEveryTestOfAClass(TestInfra infra) {
        assertThat(infra.topic("events")).isEqualTo(infra.topicPrefix() + "events");
        assertThat(infra.consumerProperties("g")).containsEntry("group.id", infra.topicPrefix() + "g");
        assertThat(infra.jdbcUrl()).endsWith("?currentSchema=" + infra.schemaName());
    }
}
