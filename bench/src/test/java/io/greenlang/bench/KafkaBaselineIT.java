package io.greenlang.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

@GreenLangIntegrationTest
class KafkaBaselineIT {

    @Test
    void shouldProduceAndConsumeEveryRecordAndReportBothSides(TestInfra infra) throws Exception {
        List<String> progress = new ArrayList<>();
        KafkaBaseline.Result result = new KafkaBaseline(infra.bootstrapServers())
                .run(new KafkaBaseline.Settings(200_000, 200, 2), (phase, done) -> progress.add(phase + ":" + done));

        assertThat(result.producer().records()).isEqualTo(200_000);
        assertThat(result.consumer().records()).isEqualTo(200_000);
        assertThat(result.consumer().bytes()).isEqualTo(200_000L * 200);
        assertThat(result.producer().recordsPerSecond()).isPositive();
        assertThat(progress).contains("produce:100000", "produce:200000", "consume:200000");
        assertThat(result.toMap()).containsEntry("acks", "all").containsKeys("producer", "consumer");
        assertThat(result.toMap().get("producer")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKeys("records_per_sec", "mb_per_sec");
        assertThat(result.summary()).startsWith("kafka-baseline: produce ").contains("acks=all");
    }
}
