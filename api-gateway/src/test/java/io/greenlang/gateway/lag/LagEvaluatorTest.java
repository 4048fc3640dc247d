package io.greenlang.gateway.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Burrow's rules, one scenario per rule and its boundaries, over windows of five samples one second apart. */
class LagEvaluatorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int WINDOW = 5;

    private final LagEvaluator evaluator = new LagEvaluator(WINDOW);

    /** Sample {@code i} of a window: at T0 + i seconds. */
    private static LagSample sample(int i, long committed, long logEnd, boolean active) {
        return new LagSample(T0.plusSeconds(i), committed, logEnd, null, active);
    }

    /** Samples with the given committed and log-end offsets, consumer active throughout. */
    private static List<LagSample> active(long[] committed, long[] logEnd) {
        List<LagSample> window = new ArrayList<>();
        for (int i = 0; i < committed.length; i++) {
            window.add(sample(i, committed[i], logEnd[i], true));
        }
        return window;
    }

    private LagStatus evaluateAtLastSample(List<LagSample> window) {
        return evaluator.evaluate(window, window.get(window.size() - 1).time());
    }

    @Test
    void shouldReportOkWhileTheWindowIsNotFullEvenIfLagGrows() {
        List<LagSample> growing = active(new long[] {0, 1, 2, 3, 4}, new long[] {10, 20, 30, 40, 50});

        assertThat(evaluateAtLastSample(growing.subList(0, WINDOW - 1))).isEqualTo(LagStatus.OK);
        assertThat(evaluateAtLastSample(growing)).isEqualTo(LagStatus.WARN);
    }

    @Test
    void shouldReportOkWhenTheCurrentLagIsZeroEvenIfNoCommitWasSeen() {
        List<LagSample> window = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++) {
            window.add(sample(i, 7, 7, false));
        }

        assertThat(evaluator.evaluate(window, T0.plusSeconds(3600))).isEqualTo(LagStatus.OK);
    }

    @Test
    void shouldReportWarnWhenOffsetsAdvanceButLagGrowsInEveryInterval() {
        List<LagSample> window = active(new long[] {0, 5, 10, 15, 20}, new long[] {10, 16, 22, 28, 34});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.WARN);
    }

    @Test
    void shouldReportWarnWhenOffsetsAdvanceButLagStaysTheSame() {
        List<LagSample> window = active(new long[] {0, 5, 10, 15, 20}, new long[] {10, 15, 20, 25, 30});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.WARN);
    }

    @Test
    void shouldReportOkWhenLagDecreasesInOneIntervalOnly() {
        List<LagSample> window = active(new long[] {0, 5, 10, 15, 20}, new long[] {10, 16, 19, 28, 34});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.OK);
    }

    @Test
    void shouldReportOkWhenLagWasZeroAtOneSampleOfTheWindow() {
        List<LagSample> window = active(new long[] {0, 5, 10, 15, 20}, new long[] {10, 16, 10, 28, 34});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.OK);
    }

    @Test
    void shouldReportStallWhenCommitsRepeatTheSameOffsetWhileLagIsPositive() {
        List<LagSample> window = active(new long[] {7, 7, 7, 7, 7}, new long[] {10, 10, 12, 12, 15});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.STALL);
    }

    @Test
    void shouldNotReportStallWhenTheOffsetMovesOnceInTheWindow() {
        List<LagSample> window = active(new long[] {7, 7, 7, 7, 8}, new long[] {10, 10, 10, 10, 10});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.OK);
    }

    @Test
    void shouldReportOkForARepeatedOffsetWhenLagWasZeroInTheWindow() {
        List<LagSample> window = active(new long[] {7, 7, 7, 7, 7}, new long[] {7, 8, 9, 10, 11});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.OK);
    }

    @Test
    void shouldReportStopWhenNoCommitIsSeenInTheWholeWindowWhileLagIsPositive() {
        List<LagSample> window = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++) {
            window.add(sample(i, 7, 10 + i, false));
        }

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.STOP);
    }

    @Test
    void shouldReportStopOnlyOnceTheTimeSinceTheLastCommitExceedsTheSpanOfCommits() {
        // commits seen at seconds 0..2 (span 2 s); evaluated at second 4 the silence is 2 s: equal, not STOP
        List<LagSample> window = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++) {
            boolean committing = i <= 2;
            window.add(sample(i, committing ? 10 + i : 12, 20 + 10L * i, committing));
        }

        assertThat(evaluator.evaluate(window, T0.plusSeconds(4))).isEqualTo(LagStatus.WARN);
        assertThat(evaluator.evaluate(window, T0.plusMillis(4001))).isEqualTo(LagStatus.STOP);
    }

    @Test
    void shouldReportStopEvenIfLagWasZeroEarlierInTheWindow() {
        List<LagSample> window = new ArrayList<>();
        window.add(sample(0, 10, 10, false));
        for (int i = 1; i < WINDOW; i++) {
            window.add(sample(i, 10, 10 + i, false));
        }

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.STOP);
    }

    @Test
    void shouldReportRewindWhenTheCommittedOffsetGoesBackwards() {
        List<LagSample> window = active(new long[] {10, 11, 12, 3, 4}, new long[] {20, 21, 22, 23, 24});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.REWIND);
    }

    @Test
    void shouldReportRewindEvenIfLagWasZeroBeforeTheRewind() {
        List<LagSample> window = active(new long[] {10, 11, 12, 3, 4}, new long[] {10, 11, 12, 13, 14});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.REWIND);
    }

    @Test
    void shouldReportOkAfterARewindOnceTheConsumerCaughtUp() {
        List<LagSample> window = active(new long[] {10, 11, 3, 8, 14}, new long[] {12, 13, 14, 14, 14});

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.OK);
    }

    @Test
    void shouldReportStopRatherThanRewindWhenBothApply() {
        List<LagSample> window = new ArrayList<>();
        window.add(sample(0, 10, 20, false));
        window.add(sample(1, 3, 21, false));
        for (int i = 2; i < WINDOW; i++) {
            window.add(sample(i, 3, 20 + i, false));
        }

        // the rewind at second 1 is the only commit seen: 3 s of silence > 0 s of commits
        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.STOP);
    }

    @Test
    void shouldEvaluateOnlyTheLastWindowSizeSamples() {
        List<LagSample> window = new ArrayList<>();
        window.add(sample(0, 0, 0, true));
        window.addAll(active(new long[] {1, 2, 3, 4, 5}, new long[] {11, 12, 13, 14, 15}).stream()
                .map(s -> new LagSample(s.time().plusSeconds(1), s.committedOffset(), s.logEndOffset(), null, true))
                .toList());

        assertThat(evaluateAtLastSample(window)).isEqualTo(LagStatus.WARN);
    }

    @Test
    void shouldReportTheWorstPartitionAsTheGroupStatusWithPartitionOnlyStatusesAsErr() {
        assertThat(LagStatus.ofGroup(List.of())).isEqualTo(LagStatus.OK);
        assertThat(LagStatus.ofGroup(List.of(LagStatus.OK, LagStatus.WARN, LagStatus.OK))).isEqualTo(LagStatus.WARN);
        assertThat(LagStatus.ofGroup(List.of(LagStatus.WARN, LagStatus.STOP))).isEqualTo(LagStatus.ERR);
        assertThat(LagStatus.ofGroup(List.of(LagStatus.STALL))).isEqualTo(LagStatus.ERR);
        assertThat(LagStatus.ofGroup(List.of(LagStatus.OK, LagStatus.REWIND))).isEqualTo(LagStatus.ERR);
    }

    @Test
    void shouldOrderStatusesBySeverityAsBurrowDoes() {
        assertThat(LagStatus.values()).extracting(LagStatus::severity).isSorted();
        assertThat(List.of(LagStatus.OK, LagStatus.WARN, LagStatus.ERR, LagStatus.STOP, LagStatus.STALL,
                LagStatus.REWIND)).containsExactly(LagStatus.values());
    }

    @Test
    void shouldRefuseAWindowSmallerThanTwo() {
        assertThatThrownBy(() -> new LagEvaluator(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("windowSize");
    }
}
