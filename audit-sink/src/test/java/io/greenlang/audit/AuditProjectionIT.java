package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.RunEventKind;
import io.greenlang.events.run.StepEvent;
import io.greenlang.schemas.EventSamples;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The run and step projections that {@link AuditStore#append} maintains from the RunEvents it appends. */
@GreenLangIntegrationTest
class AuditProjectionIT {

    private static final String TOPIC = "t7-gl.run.events";
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00.000Z");
    private static AuditStore store;

    @BeforeAll
    static void migrate(TestInfra infra) {
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
    }

    @Test
    void shouldProjectRunAndStepTransitionsWithTheLastEventOfTheChainWinning() {
        List<AuditRecord> records = lifecycle("run-life", "acme-heat", 0);

        store.append(records.subList(0, 3));
        assertThat(store.run("run-life")).hasValueSatisfying(run -> {
            assertThat(run.status()).isEqualTo("RUNNING");
            assertThat(run.finishedAt()).isNull();
            assertThat(run.events()).isEqualTo(3);
        });
        store.append(records.subList(3, records.size()));

        assertThat(store.run("run-life")).hasValue(new RunProjection("run-life", "acme-heat", "SUCCEEDED", null,
                at(0), at(8), at(8), 9, 9));
        assertThat(store.steps("run-life")).containsExactly(
                new StepProjection("run-life", "extract", 2, "SUCCEEDED", null, at(6), at(7), at(7)),
                new StepProjection("run-life", "load", 1, "SKIPPED", null, null, at(5), at(5)));
    }

    @Test
    void shouldProjectAFailedRunWithItsErrorCode() {
        store.append(List.of(
                record("run-failed", "t-1", RunEventKind.RUN_TRANSITION, null, null, null, "PENDING", null, 400, 0),
                record("run-failed", "t-1", RunEventKind.STEP_TRANSITION, "extract", 1, null, "FAILED",
                        "GL-E-AGENT-CRASH", 401, 1),
                record("run-failed", "t-1", RunEventKind.RUN_TRANSITION, null, null, "PENDING", "FAILED",
                        "GL-E-AGENT-CRASH", 402, 2)));

        assertThat(store.run("run-failed")).hasValueSatisfying(run -> {
            assertThat(run.status()).isEqualTo("FAILED");
            assertThat(run.errorCode()).isEqualTo("GL-E-AGENT-CRASH");
            assertThat(run.finishedAt()).isEqualTo(at(2));
            assertThat(run.finished()).isTrue();
        });
        assertThat(store.steps("run-failed")).singleElement().satisfies(step -> {
            assertThat(step.errorCode()).isEqualTo("GL-E-AGENT-CRASH");
            assertThat(step.startedAt()).isNull();
            assertThat(step.finishedAt()).isEqualTo(at(1));
        });
    }

    @Test
    void shouldNotCountARedeliveredEventTwice() {
        List<AuditRecord> records = lifecycle("run-redelivered", "acme-heat", 100);
        store.append(records.subList(0, 5));

        AppendResult again = store.append(records); // a rebalance redelivers the first five
        assertThat(again.skipped()).hasSize(5);
        store.append(records.subList(2, 7));

        assertThat(store.run("run-redelivered")).hasValueSatisfying(run -> {
            assertThat(run.events()).isEqualTo(records.size());
            assertThat(run.lastSeq()).isEqualTo(records.size());
            assertThat(run.status()).isEqualTo("SUCCEEDED");
        });
    }

    @Test
    void shouldRebuildTheSameProjectionWhenTheChainIsReplayedIntoAnotherSchema(TestInfra infra) {
        List<AuditRecord> records = new ArrayList<>(lifecycle("run-replayed", "tenant-r", 200));
        store.append(records.subList(0, 4));
        store.append(records.subList(4, records.size()));
        AuditStore replay = new AuditStore(infra.dataSource(), infra.schemaName() + "_replay");
        replay.migrate();

        for (AuditRecord record : records) { // other batch boundaries, one record at a time
            replay.append(List.of(record));
        }

        assertThat(replay.run("run-replayed")).isEqualTo(store.run("run-replayed")).isPresent();
        assertThat(replay.steps("run-replayed")).isEqualTo(store.steps("run-replayed")).hasSize(2);
    }

    @Test
    void shouldProjectABatchWithManyEventsOfOneRunAndStepAsAppendingThemOneByOne(TestInfra infra) {
        AuditStore batched = new AuditStore(infra.dataSource(), infra.schemaName() + "_batched");
        AuditStore single = new AuditStore(infra.dataSource(), infra.schemaName() + "_single");
        batched.migrate();
        single.migrate();
        List<AuditRecord> records = new ArrayList<>();
        // Step "s" of run-a: RUNNING in attempt 1, then a batch that moves to attempt 2 and back to 1 without
        // entering RUNNING again: started_at must end null although the last attempt equals the stored one.
        records.add(record("run-a", "t-a", RunEventKind.STEP_TRANSITION, "s", 1, "DISPATCHED", "RUNNING", null, 0, 0));
        records.add(record("run-a", "t-a", RunEventKind.STEP_TRANSITION, "s", 2, "RUNNING", "READY", null, 1, 1));
        records.add(record("run-a", "t-a", RunEventKind.STEP_TRANSITION, "s", 1, "READY", "RETRY_WAIT", "GL-E-X", 2, 2));
        java.util.Random random = new java.util.Random(7);
        String[] statuses = {"PENDING", "READY", "DISPATCHED", "RUNNING", "RETRY_WAIT", "SUCCEEDED", "FAILED",
                "TIMED_OUT", "SKIPPED", "CANCELLED"};
        for (int i = 3; i < 400; i++) {
            String runId = "run-" + "abc".charAt(random.nextInt(3));
            String status = statuses[random.nextInt(statuses.length)];
            String errorCode = random.nextInt(4) == 0 ? "GL-E-" + i : null;
            if (random.nextInt(5) == 0) {
                records.add(record(runId, "t-" + runId, RunEventKind.RUN_TRANSITION, null, null, null, status,
                        errorCode, i, i));
            } else {
                Integer attempt = random.nextInt(6) == 0 ? null : 1 + random.nextInt(2);
                records.add(record(runId, "t-" + runId, RunEventKind.STEP_TRANSITION, "s" + random.nextInt(2),
                        attempt, null, status, errorCode, i, i));
            }
        }

        batched.append(records.subList(0, 1));
        int from = 1;
        for (int size : new int[] {2, 1, 40, 7, 150}) {
            batched.append(records.subList(from, from + size));
            from += size;
        }
        batched.append(records.subList(from, records.size()));
        for (AuditRecord record : records) {
            single.append(List.of(record));
        }

        for (String runId : List.of("run-a", "run-b", "run-c")) {
            assertThat(batched.run(runId)).isEqualTo(single.run(runId)).isPresent();
            assertThat(batched.steps(runId)).isEqualTo(single.steps(runId)).isNotEmpty();
        }
        assertThat(batched.steps("run-a")).filteredOn(step -> step.step().equals("s")).singleElement()
                .satisfies(step -> assertThat(step.startedAt()).isEqualTo(
                        single.steps("run-a").stream().filter(s -> s.step().equals("s")).findFirst()
                                .orElseThrow().startedAt()));
    }

    @Test
    void shouldClearStartedAtWhenABatchChangesTheAttemptAndReturnsToTheStoredOne() {
        store.append(List.of(
                record("run-flip", "t-f", RunEventKind.STEP_TRANSITION, "s", 1, "DISPATCHED", "RUNNING", null, 500, 0)));
        store.append(List.of(
                record("run-flip", "t-f", RunEventKind.STEP_TRANSITION, "s", 2, "RUNNING", "READY", null, 501, 1),
                record("run-flip", "t-f", RunEventKind.STEP_TRANSITION, "s", 1, "READY", "RETRY_WAIT", null, 502, 2)));

        assertThat(store.steps("run-flip")).singleElement().satisfies(step -> {
            assertThat(step.attempt()).isEqualTo(1);
            assertThat(step.status()).isEqualTo("RETRY_WAIT");
            assertThat(step.startedAt()).isNull();
        });
    }

    @Test
    void shouldIgnoreEventsThatAreNotRunEvents() {
        StepEvent stepEvent = EventSamples.sample(StepEvent.class);
        stepEvent.getMeta().setEventId(UUID.randomUUID().toString());
        stepEvent.setRunId("run-step-event-only");

        assertThat(store.append(List.of(AuditRecord.of("t7-gl.step.events", 0, 0, "run-step-event-only",
                stepEvent))).appended()).hasSize(1);

        assertThat(store.run("run-step-event-only")).isEmpty();
        assertThat(store.steps("run-step-event-only")).isEmpty();
    }

    @Test
    void shouldPageRunsInRunIdOrderFilteredByStatusAndTenant() {
        int offset = 300;
        for (String runId : List.of("page-a", "page-b", "page-c", "page-d")) {
            String tenant = runId.equals("page-b") ? "tenant-other" : "tenant-page";
            String status = runId.equals("page-c") ? "RUNNING" : "SUCCEEDED";
            store.append(List.of(record(runId, tenant, RunEventKind.RUN_TRANSITION, null, null, null, status, null,
                    offset, 0)));
            offset++;
        }

        List<RunProjection> first = store.runs("SUCCEEDED", "tenant-page", 1, null);
        List<RunProjection> second = store.runs("SUCCEEDED", "tenant-page", 1, first.get(0).runId());
        List<RunProjection> third = store.runs("SUCCEEDED", "tenant-page", 1, second.get(0).runId());

        assertThat(first).extracting(RunProjection::runId).containsExactly("page-a");
        assertThat(second).extracting(RunProjection::runId).containsExactly("page-d");
        assertThat(third).isEmpty();
        assertThat(store.runs(null, "tenant-other", 10, null)).extracting(RunProjection::runId)
                .containsExactly("page-b");
        assertThat(store.runs("RUNNING", null, 10, "page-")).extracting(RunProjection::runId)
                .containsExactly("page-c");
        assertThat(store.runs(null, null, 2, "page-a")).extracting(RunProjection::runId)
                .containsExactly("page-b", "page-c");
        assertThat(store.run("never-ran")).isEmpty();
        assertThatThrownBy(() -> store.runs(null, null, 0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Nine events of one run, one second apart from {@code T0}: run PENDING, RUNNING; step extract attempt 1
     * DISPATCHED, RUNNING, RETRY_WAIT with an error code; step load SKIPPED; extract attempt 2 RUNNING, SUCCEEDED; run
     * SUCCEEDED.
     */
    private static List<AuditRecord> lifecycle(String runId, String tenant, long firstOffset) {
        RunEventKind run = RunEventKind.RUN_TRANSITION;
        RunEventKind step = RunEventKind.STEP_TRANSITION;
        long o = firstOffset;
        return List.of(
                record(runId, tenant, run, null, null, null, "PENDING", null, o, 0),
                record(runId, tenant, run, null, null, "PENDING", "RUNNING", null, o + 1, 1),
                record(runId, tenant, step, "extract", 1, "READY", "DISPATCHED", null, o + 2, 2),
                record(runId, tenant, step, "extract", 1, "DISPATCHED", "RUNNING", null, o + 3, 3),
                record(runId, tenant, step, "extract", 1, "RUNNING", "RETRY_WAIT", "GL-E-AGENT-CRASH", o + 4, 4),
                record(runId, tenant, step, "load", 1, "PENDING", "SKIPPED", null, o + 5, 5),
                record(runId, tenant, step, "extract", 2, "RETRY_WAIT", "RUNNING", null, o + 6, 6),
                record(runId, tenant, step, "extract", 2, "RUNNING", "SUCCEEDED", null, o + 7, 7),
                record(runId, tenant, run, null, null, "RUNNING", "SUCCEEDED", null, o + 8, 8));
    }

    private static AuditRecord record(String runId, String tenant, RunEventKind kind, String step, Integer attempt,
            String from, String to, String errorCode, long offset, int second) {
        RunEvent event = EventSamples.sample(RunEvent.class);
        event.getMeta().setEventId(UUID.randomUUID().toString());
        event.getMeta().setTenantId(tenant);
        event.getMeta().setOccurredAt(at(second));
        event.setRunId(runId);
        event.setKind(kind);
        event.setStep(step);
        event.setAttempt(attempt);
        event.setFromStatus(from);
        event.setToStatus(to);
        event.setErrorCode(errorCode);
        event.setMessage(null);
        return AuditRecord.of(TOPIC, 0, offset, runId, event);
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }
}
