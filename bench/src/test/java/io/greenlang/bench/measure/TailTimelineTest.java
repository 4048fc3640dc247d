package io.greenlang.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TailTimelineTest {

    @Test
    void shouldListTheSecondsWithTheMostSlowLatenciesInWindowOrder() {
        TailTimeline timeline = new TailTimeline(100);
        timeline.record(500, 40);          // second 0: nothing over the threshold
        timeline.record(3_100, 150);       // second 3: one slow
        timeline.record(7_000, 180);       // second 7: three slow, the slowest 250
        timeline.record(7_400, 250);
        timeline.record(7_999, 101);
        timeline.record(9_200, 120);       // second 9: two slow
        timeline.record(9_300, 130);

        List<Map<String, Object>> worst = timeline.worst(2);

        assertThat(worst).containsExactly(
                Map.of("second", 7L, "max_ms", 250L, "over_100_ms", 3L),
                Map.of("second", 9L, "max_ms", 130L, "over_100_ms", 2L));
        assertThat(timeline.secondsOverThreshold()).isEqualTo(3);
        assertThat(timeline.secondsRecorded()).isEqualTo(4);
    }

    @Test
    void shouldNotCountALatencyAtTheThresholdAsSlow() {
        TailTimeline timeline = new TailTimeline(100);
        timeline.record(0, 100);

        assertThat(timeline.worst(10)).isEmpty();
        assertThat(timeline.secondsOverThreshold()).isZero();
    }
}
