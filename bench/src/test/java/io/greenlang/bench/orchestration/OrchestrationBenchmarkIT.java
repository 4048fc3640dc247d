package io.greenlang.bench.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/** A small orchestration benchmark on the real broker: both phases run and every step is measured. */
@GreenLangIntegrationTest
class OrchestrationBenchmarkIT {

    @Test
    void shouldMeasureEveryStepOfBothPhases(TestInfra infra) throws Exception {
        List<String> progress = new ArrayList<>();
        OrchestrationBenchmark.Result result = new OrchestrationBenchmark(infra.bootstrapServers())
                .run(new OrchestrationBenchmark.Settings(20, Duration.ZERO, 10, 20, 50, 3, true, Duration.ofMinutes(2), 2),
                        progress::add);

        OrchestrationBenchmark.Phase throughput = result.throughput();
        assertThat(throughput.steps()).isEqualTo(200);
        assertThat(throughput.stepsPerSecond()).isPositive();
        assertThat(throughput.overheadMs().samples()).isEqualTo(20 * 9);
        assertThat(throughput.runLatencyMs().samples()).isEqualTo(20);
        assertThat(throughput.orchestratorCommits()).isPositive();
        assertThat(result.paced().overheadMs().samples()).isEqualTo(10 * 9);
        assertThat(result.paced().overheadMs().p99()).isGreaterThanOrEqualTo(result.paced().overheadMs().p50());
        assertThat(result.toMap()).containsKeys("throughput_phase", "latency_phase", "commit_interval_ms");
        assertThat(progress).anyMatch(p -> p.startsWith("throughput phase"));
    }
}
