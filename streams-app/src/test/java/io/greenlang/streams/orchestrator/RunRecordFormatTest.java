package io.greenlang.streams.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepStatus;
import io.greenlang.streams.serde.StoreSerde;

/**
 * The run-store's value format: what version 1 wrote must stay readable (the changelog outlives releases), unknown
 * fields from a newer release are ignored, and what this release writes reads back equal.
 */
class RunRecordFormatTest {

    private final StoreSerde<RunRecord> serde = new StoreSerde<>(RunRecord.class);

    private static byte[] golden() throws IOException {
        try (InputStream in = RunRecordFormatTest.class.getResourceAsStream("run-record-v1.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldReadAVersion1Record() throws IOException {
        RunRecord run = serde.deserializer().deserialize("run-store", golden());

        assertThat(run.v).isEqualTo(1);
        assertThat(run.status).isEqualTo(RunStatus.RUNNING);
        assertThat(run.parameters).containsEntry("limit", 5L).containsEntry("ratio", 0.5)
                .containsEntry("dry_run", false).containsEntry("region", "eu");
        assertThat(run.steps).hasSize(2);
        StepRecord report = run.step("report");
        assertThat(report.status).isEqualTo(StepStatus.RUNNING);
        assertThat(report.deadline).isEqualTo(1777622742000L);
        assertThat(report.inputs).containsEntry("source", "${steps.extract.outputs.uri}");
        assertThat(report.when).isEqualTo("params.dry_run == false");
        assertThat(run.step("extract").outputs).containsEntry("uri", "s3://b/x.parquet");
        assertThat(run.inFlight()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreFieldsItDoesNotKnow() throws IOException {
        String newer = new String(golden(), StandardCharsets.UTF_8)
                .replace("\"v\": 1,", "\"v\": 2, \"priority\": {\"class\": \"high\"},")
                .replace("\"policyChecked\": true,", "\"policyChecked\": true, \"gpu\": \"1\",");
        RunRecord run = serde.deserializer().deserialize("run-store", newer.getBytes(StandardCharsets.UTF_8));
        assertThat(run.runId).isEqualTo("3f1c2a9e-0b7d-4c1e-9a55-2d8f6e4b7a10");
        assertThat(run.steps).hasSize(2);
    }

    @Test
    void shouldDefaultFieldsAnOlderWriterDidNotHave() {
        RunRecord run = serde.deserializer().deserialize("run-store",
                "{\"runId\":\"r\",\"tenant\":\"t\",\"status\":\"RUNNING\",\"steps\":[{\"name\":\"a\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(run.labels).isEmpty();
        assertThat(run.steps.get(0).status).isEqualTo(StepStatus.PENDING);
        assertThat(run.steps.get(0).outputs).isEmpty();
        assertThat(run.steps.get(0).dependsOn).isEmpty();
    }

    @Test
    void shouldReadBackWhatItWrites() throws IOException {
        RunRecord run = serde.deserializer().deserialize("run-store", golden());
        byte[] written = serde.serializer().serialize("run-store", run);
        RunRecord again = serde.deserializer().deserialize("run-store", written);
        assertThat(serde.serializer().serialize("run-store", again)).isEqualTo(written);
        assertThat(again).usingRecursiveComparison().isEqualTo(run);
    }

    @Test
    void shouldOrderTimerKeysByDueTime() {
        ScheduledTask early = new ScheduledTask(ScheduledTask.Kind.STEP_TIMEOUT, 999, "zzz", "s", 1);
        ScheduledTask late = new ScheduledTask(ScheduledTask.Kind.RUN_DRAIN, 1_000, "aaa", null, 0);
        assertThat(early.key()).isLessThan(late.key()).isLessThan(ScheduledTask.upperBound(1_000))
                .isGreaterThan(ScheduledTask.lowerBound());
        assertThat(late.key()).isLessThan(ScheduledTask.upperBound(1_000));
        assertThat(ScheduledTask.upperBound(999)).isLessThan(late.key());
        StoreSerde<ScheduledTask> timers = new StoreSerde<>(ScheduledTask.class);
        assertThat(timers.deserializer().deserialize("t", timers.serializer().serialize("t", early))).isEqualTo(early);
    }

    @Test
    void shouldKeepTheStoredTimerKeyFormat() {
        // Keys already in a schedule store must keep matching the keys built to delete them.
        assertThat(new ScheduledTask(ScheduledTask.Kind.STEP_TIMEOUT, 1_700_000_000_123L, "r1", "s", 2).key())
                .isEqualTo("1700000000123|STEP_TIMEOUT|r1|s|2");
        assertThat(new ScheduledTask(ScheduledTask.Kind.RUN_PURGE, 42, "r2", null, 0).key())
                .isEqualTo("0000000000042|RUN_PURGE|r2||0");
        assertThat(ScheduledTask.upperBound(7)).isEqualTo("0000000000007|~");
        for (long time : new long[] {0, 1, 999, 1_000_000_000_000L, 9_999_999_999_999L, 10_000_000_000_000L, -5}) {
            assertThat(ScheduledTask.time(time)).isEqualTo(String.format(java.util.Locale.ROOT, "%013d", time));
        }
    }
}
