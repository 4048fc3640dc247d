package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

@GreenLangIntegrationTest
class AuditSinkMetricsIT {

    private static final String LAG = "kafka.consumer.fetch.manager.records.lag.max";

    @Test
    void shouldExposeTheConsumersLagMetricsWhileRunningAndRemoveThemWhenClosed(TestInfra infra) {
        SinkFixture fixture = new SinkFixture(infra);
        MeterRegistry registry = fixture.meters.registry();
        fixture.send(fixture.catalog.runEvents(), "run-m", SinkFixture.runEvent());

        try (AuditSink sink = fixture.sink("metrics", fixture.store)) {
            sink.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> fixture.caughtUp("metrics"));
            assertThat(registry.find(LAG).gauges()).isNotEmpty();
        }

        assertThat(registry.find(LAG).gauges()).isEmpty();
    }
}
