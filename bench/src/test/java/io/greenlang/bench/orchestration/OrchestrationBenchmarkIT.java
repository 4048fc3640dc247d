package io.greenlang.bench.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * A small orchestration benchmark and its raw exactly-once relay on the real broker: every phase runs and every
 * step or record is measured.
 */
@GreenLangIntegrationTest
class OrchestrationBenchmarkIT {

    @Test
    void shouldMeasureEveryStepOfBothPhases(TestInfra infra) throws Exception {
        List<String> progress = new ArrayList<>();
        OrchestrationBenchmark.Result result = new OrchestrationBenchmark(infra.bootstrapServers())
                .run(new OrchestrationBenchmark.Settings(20, Duration.ZERO, 10, 20, 50, 3, true,
                        Duration.ofMinutes(2), 2),
                        progress::add);

        OrchestrationBenchmark.Phase throughput = result.throughput();
        assertThat(throughput.steps()).isEqualTo(200);
        assertThat(throughput.stepsPerSecond()).isPositive();
        assertThat(throughput.overheadMs().samples()).isEqualTo(20 * 9);
        assertThat(throughput.runLatencyMs().samples()).isEqualTo(20);
        assertThat(throughput.orchestratorCommits()).isPositive();
        assertThat(result.paced().overheadMs().samples()).isEqualTo(10 * 9);
        assertThat(result.paced().overheadMs().p99()).isGreaterThanOrEqualTo(result.paced().overheadMs().p50());
        // The orchestrator's share splits into pickup (event visible -> command written) and commit (written ->
        // visible), one sample each per step with dependencies.
        assertThat(result.paced().pickupMs().samples()).isEqualTo(10 * 9);
        assertThat(result.paced().orchestratorCommitMs().samples()).isEqualTo(10 * 9);
        assertThat(result.paced().orchestratorCommitMs().max())
                .isLessThanOrEqualTo(result.paced().orchestratorMs().max());
        assertThat(result.toMap()).containsKeys("throughput_phase", "latency_phase", "commit_interval_ms");
        assertThat(progress).anyMatch(p -> p.startsWith("throughput phase"));
    }

    @Test
    void shouldRelayEveryRecordOfBothPhasesThroughCommittedTransactions(TestInfra infra) throws Exception {
        TransactionalRelayBaseline.Result result = new TransactionalRelayBaseline(infra.bootstrapServers())
                .run(new TransactionalRelayBaseline.Settings(2, 20, 100, 100, 500));

        assertThat(result.handOffMs().samples()).isEqualTo(100);
        assertThat(result.relayMs().samples()).isEqualTo(100);
        // a record becomes visible only after the relay's commit: at least part of one interval
        assertThat(result.handOffMs().p50()).isPositive();
        assertThat(result.relayMs().p50()).isLessThanOrEqualTo(result.handOffMs().p50());
        assertThat(result.burstRecords()).isEqualTo(500);
        assertThat(result.recordsPerSecond()).isPositive();
        assertThat(result.relayTransactions()).isPositive().isLessThanOrEqualTo(100);
        assertThat(result.toMap()).containsKeys("hand_off_ms", "of_which_relay_ms", "burst_records_per_sec");
    }
}
