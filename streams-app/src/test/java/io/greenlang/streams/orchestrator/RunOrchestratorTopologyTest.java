package io.greenlang.streams.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.policy.PolicyAction;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepState;
import io.greenlang.events.run.StepStatus;
import io.greenlang.pipeline.PipelineValidationException;
import io.greenlang.pipeline.ValidationProblem;
import io.greenlang.pipeline.policy.PolicyStage;
import io.greenlang.streams.errors.DeadLetters;

/** The run orchestrator topology, driven record by record in a TopologyTestDriver. */
class RunOrchestratorTopologyTest {

    private OrchestratorDriver t = new OrchestratorDriver();

    @AfterEach
    void close() {
        t.close();
    }

    private void restart(OrchestratorSettings settings) {
        t.close();
        t = new OrchestratorDriver(settings);
    }

    private static StepStatus stepStatus(RunState state, String step) {
        return state.getSteps().stream().filter(s -> s.getName().equals(step)).map(StepState::getStatus)
                .findFirst().orElseThrow();
    }

    @Nested
    class HappyPaths {

        @Test
        void shouldRunLinearPipelineStepByStepToSuccess() {
            t.request("r1", Plans.linear("a", "b", "c"));

            assertThat(t.startedSteps("r1")).containsExactly("a");
            t.started("r1", "a", 1);
            t.succeeded("r1", "a", 1);
            assertThat(t.startedSteps("r1")).containsExactly("a", "b");
            t.started("r1", "b", 1);
            t.succeeded("r1", "b", 1);
            assertThat(t.startedSteps("r1")).containsExactly("a", "b", "c");
            t.started("r1", "c", 1);
            t.succeeded("r1", "c", 1);

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(state.getSteps()).extracting(StepState::getStatus).containsOnly(StepStatus.SUCCEEDED);
            assertThat(state.getSteps()).extracting(StepState::getAttempt).containsOnly(1);
            assertThat(t.runTransitions("r1")).containsExactly("null->PENDING", "PENDING->RUNNING",
                    "RUNNING->SUCCEEDED");
            assertThat(t.stepTransitions("r1", "b")).containsExactly("PENDING->READY", "READY->DISPATCHED",
                    "DISPATCHED->RUNNING", "RUNNING->SUCCEEDED");
            assertThat(t.states("r1")).extracting(RunState::getVersion).isSorted().doesNotHaveDuplicates();
        }

        @Test
        void shouldDispatchBothDiamondBranchesAndJoinOnlyAfterBoth() {
            t.request("r1", Plans.diamond());
            t.completeAll("r1");
            List<String> order = t.startedSteps("r1");
            assertThat(order).containsExactly("a", "b", "c", "d");
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        }

        @Test
        void shouldNotStartTheJoinWhileOneBranchIsStillRunning() {
            t.request("r1", Plans.diamond());
            t.succeeded("r1", "a", 1);
            assertThat(t.startedSteps("r1")).containsExactly("a", "b", "c");
            t.succeeded("r1", "b", 1);
            assertThat(t.startedSteps("r1")).doesNotContain("d");
            t.succeeded("r1", "c", 1);
            assertThat(t.startedSteps("r1")).containsExactly("a", "b", "c", "d");
        }

        @Test
        void shouldFanOutFiftyStepsNeverExceedingMaxParallel() {
            restart(OrchestratorDriver.settings().withMaxParallelSteps(10));
            t.request("r1", Plans.fanOut(50));
            t.succeeded("r1", "a", 1);
            assertThat(t.starts("r1")).hasSize(1 + 10);

            int maxInFlight = 0;
            List<String> answered = new ArrayList<>();
            answered.add("a");
            while (t.state("r1").getStatus() == RunStatus.RUNNING) {
                List<StepCommand> open = t.starts("r1").stream()
                        .filter(c -> !answered.contains(c.getStep())).toList();
                maxInFlight = Math.max(maxInFlight, open.size());
                StepCommand next = open.get(0);
                answered.add(next.getStep());
                t.started("r1", next.getStep(), 1);
                t.succeeded("r1", next.getStep(), 1);
            }

            assertThat(maxInFlight).isEqualTo(10);
            assertThat(t.starts("r1")).hasSize(52);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(t.startedSteps("r1").get(51)).isEqualTo("z");
        }

        @Test
        void shouldResolveUpstreamOutputsIntoInputsAtDispatch() {
            t.request("r1", Plans.pipeline("refs").step("extract")
                    .step("load", List.of("extract"), Map.of("source", "${steps.extract.outputs.uri}",
                            "mode", "full", "both", "${steps.extract.outputs.uri}#${steps.extract.outputs.rows}"),
                            0, 60, null)
                    .build());
            t.succeeded("r1", "extract", 1, Map.of("uri", "s3://bucket/x.parquet", "rows", "42"));

            StepCommand load = t.starts("r1").get(1);
            assertThat(load.getInputs()).containsEntry("source", "s3://bucket/x.parquet")
                    .containsEntry("mode", "full").containsEntry("both", "s3://bucket/x.parquet#42");
        }

        @Test
        void shouldFailStepWhoseInputRefersToAnOutputTheUpstreamDidNotReport() {
            t.request("r1", Plans.pipeline("refs").step("extract")
                    .step("load", List.of("extract"), Map.of("source", "${steps.extract.outputs.uri}"), 0, 60, null)
                    .build());
            t.succeeded("r1", "extract", 1, Map.of("other", "x"));

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-AGENT-OUTPUT-INVALID");
            assertThat(t.startedSteps("r1")).containsExactly("extract");
        }

        @Test
        void shouldSkipStepWhoseConditionIsFalseAndItsDependents() {
            t.request("r1", Plans.pipeline("cond").param("region", "eu").param("limit", 5L)
                    .step("a")
                    .step("us_only", List.of("a"), Map.of(), 0, 60, "params.region == 'us'")
                    .step("after_us", List.of("us_only"), Map.of(), 0, 60, null)
                    .step("small", List.of("a"), Map.of(), 0, 60, "params.limit < 10 && steps.a.outputs.result != ''")
                    .build());
            t.succeeded("r1", "a", 1);
            t.completeAll("r1");

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(stepStatus(state, "us_only")).isEqualTo(StepStatus.SKIPPED);
            assertThat(stepStatus(state, "after_us")).isEqualTo(StepStatus.SKIPPED);
            assertThat(stepStatus(state, "small")).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(t.startedSteps("r1")).containsExactly("a", "small");
        }

        @Test
        void shouldFailStepWhoseConditionDoesNotCompile() {
            t.request("r1", Plans.pipeline("cond").step("a", List.of(), Map.of(), 0, 60, "params.x ==").build());

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-YAML-SCHEMA");
            assertThat(t.starts("r1")).isEmpty();
        }

        @Test
        void shouldCarryTheStepDefinitionInTheStartCommand() {
            t.request("r1", Plans.linear("a"));
            StepCommand start = t.starts("r1").get(0);
            assertThat(start.getAgent()).isEqualTo("GL-TEST-a");
            assertThat(start.getImage()).isEqualTo("registry.local/agent:1");
            assertThat(start.getTimeoutSeconds()).isEqualTo(600);
            assertThat(start.getResources().getCpu()).isEqualTo("500m");
            assertThat(start.getIdempotencyKey()).isEqualTo("r1/a/1/start");
            assertThat(start.getMeta().getTenantId()).isEqualTo(OrchestratorDriver.TENANT);
        }
    }

    @Nested
    class Retries {

        @Test
        void shouldRetryTransientFailureWithBackoffThenSucceed() {
            t.request("r1", Plans.linear("a", "b"));
            t.started("r1", "a", 1);
            t.failed("r1", "a", 1, ErrorCode.NETWORK_TIMEOUT);

            assertThat(stepStatus(t.state("r1"), "a")).isEqualTo(StepStatus.RETRY_WAIT);
            t.advance(Duration.ofMillis(1_800));
            assertThat(t.starts("r1")).hasSize(1);
            t.advance(Duration.ofMillis(300));
            assertThat(t.starts("r1")).extracting(StepCommand::getStep, StepCommand::getAttempt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1), org.assertj.core.groups.Tuple.tuple("a", 2));

            t.failed("r1", "a", 2, ErrorCode.NETWORK_TIMEOUT);
            t.advance(Duration.ofMillis(3_800));
            assertThat(t.starts("r1")).hasSize(2);
            t.advance(Duration.ofMillis(300));
            assertThat(t.starts("r1")).hasSize(3);
            t.succeeded("r1", "a", 3);
            t.succeeded("r1", "b", 1);

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(state.getSteps().get(0).getAttempt()).isEqualTo(3);
            assertThat(t.stepTransitions("r1", "a")).containsSubsequence("RUNNING->RETRY_WAIT",
                    "RETRY_WAIT->READY", "READY->DISPATCHED", "DISPATCHED->RETRY_WAIT", "RETRY_WAIT->READY",
                    "READY->DISPATCHED", "DISPATCHED->SUCCEEDED");
        }

        @Test
        void shouldFailRunAndSkipDependentsWhenRetriesAreExhausted() {
            // the step allows 1 retry: 2 attempts, fewer than the policy's 4
            t.request("r1", Plans.pipeline("p").step("a", List.of(), Map.of(), 1, 60, null)
                    .step("b", "a").step("c", "b").build());
            t.failed("r1", "a", 1, ErrorCode.API_5XX);
            t.advance(Duration.ofSeconds(3));
            t.failed("r1", "a", 2, ErrorCode.API_5XX);
            t.advance(Duration.ofMinutes(5));

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-API-5XX");
            assertThat(stepStatus(state, "a")).isEqualTo(StepStatus.FAILED);
            assertThat(stepStatus(state, "b")).isEqualTo(StepStatus.SKIPPED);
            assertThat(stepStatus(state, "c")).isEqualTo(StepStatus.SKIPPED);
            assertThat(t.starts("r1")).hasSize(2);
        }

        @Test
        void shouldStopAtThePolicysAttemptsWhenTheStepAllowsMore() {
            t.request("r1", Plans.pipeline("p").step("a", List.of(), Map.of(), 10, 60, null).build());
            for (int attempt = 1; attempt <= 3; attempt++) {
                t.failed("r1", "a", attempt, ErrorCode.K8S_EVICTION);
                t.advance(Duration.ofSeconds(11));
            }
            assertThat(t.starts("r1")).hasSize(3);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.FAILED);
        }

        @Test
        void shouldFailAtOnceOnNonRetryableCode() {
            t.request("r1", Plans.linear("a", "b"));
            t.started("r1", "a", 1);
            t.failed("r1", "a", 1, ErrorCode.AGENT_CRASH);

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-AGENT-CRASH");
            assertThat(stepStatus(state, "a")).isEqualTo(StepStatus.FAILED);
            assertThat(stepStatus(state, "b")).isEqualTo(StepStatus.SKIPPED);
            t.advance(Duration.ofMinutes(10));
            assertThat(t.starts("r1")).hasSize(1);
        }

        @Test
        void shouldTakeAFailureWithoutAKnownCodeAsUnexpectedAndNotRetryIt() {
            t.request("r1", Plans.linear("a"));
            t.stepEvent("r1", "a", 1, io.greenlang.events.run.StepEventKind.FAILED, "GL-E-NO-SUCH-CODE", Map.of());
            assertThat(t.state("r1").getErrorCode()).isEqualTo("GL-E-UNEXPECTED");
        }

        @Test
        void shouldTimeOutAStepCancelItAndRetry() {
            t.request("r1", Plans.pipeline("p").step("a", List.of(), Map.of(), 3, 30, null).build());
            t.started("r1", "a", 1);
            t.advance(Duration.ofSeconds(29));
            assertThat(t.cancels("r1")).isEmpty();
            t.advance(Duration.ofSeconds(2));

            assertThat(t.cancels("r1")).extracting(StepCommand::getStep, StepCommand::getAttempt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1));
            assertThat(t.runEvents("r1")).anyMatch(e -> "RETRY_WAIT".equals(e.getToStatus())
                    && "GL-E-AGENT-TIMEOUT".equals(e.getErrorCode()));
            t.advance(Duration.ofSeconds(10));
            assertThat(t.starts("r1")).hasSize(2);
            // the cancelled attempt's late answer changes nothing
            t.failed("r1", "a", 1, ErrorCode.AGENT_CRASH);
            t.succeeded("r1", "a", 2);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        }

        @Test
        void shouldEndTimedOutWhenTimeoutsExhaustTheAttempts() {
            t.request("r1", Plans.pipeline("p").step("a", List.of(), Map.of(), 0, 5, null).build());
            t.advance(Duration.ofSeconds(6));

            RunState state = t.state("r1");
            assertThat(stepStatus(state, "a")).isEqualTo(StepStatus.TIMED_OUT);
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-AGENT-TIMEOUT");
            assertThat(t.cancels("r1")).hasSize(1);
        }
    }

    @Nested
    class Cancel {

        @Test
        void shouldCancelRunningStepsAndEndCancelledOnceTheyAcknowledge() {
            t.request("r1", Plans.diamond());
            t.succeeded("r1", "a", 1);
            t.started("r1", "b", 1);
            t.started("r1", "c", 1);
            t.command("r1", RunCommandType.CANCEL);

            assertThat(t.cancels("r1")).extracting(StepCommand::getStep).containsExactlyInAnyOrder("b", "c");
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.RUNNING);
            assertThat(stepStatus(t.state("r1"), "d")).isEqualTo(StepStatus.CANCELLED);
            t.failed("r1", "b", 1, null);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.RUNNING);
            t.succeeded("r1", "c", 1);

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(stepStatus(state, "b")).isEqualTo(StepStatus.CANCELLED);
            assertThat(stepStatus(state, "c")).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(t.starts("r1")).hasSize(3);
        }

        @Test
        void shouldEndCancelledAfterTheGracePeriodWithoutAcknowledgement() {
            restart(OrchestratorDriver.settings().withCancelGracePeriod(Duration.ofSeconds(20)));
            t.request("r1", Plans.linear("a", "b"));
            t.started("r1", "a", 1);
            t.command("r1", RunCommandType.CANCEL);
            t.advance(Duration.ofSeconds(19));
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.RUNNING);
            t.advance(Duration.ofSeconds(2));

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(stepStatus(state, "a")).isEqualTo(StepStatus.CANCELLED);
            assertThat(stepStatus(state, "b")).isEqualTo(StepStatus.CANCELLED);
            t.succeeded("r1", "a", 1);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.CANCELLED);
            assertThat(t.metrics.ignoredStepEvents()).isEqualTo(1);
        }

        @Test
        void shouldIgnoreCancelOfAFinishedRun() {
            t.request("r1", Plans.linear("a"));
            t.succeeded("r1", "a", 1);
            t.command("r1", RunCommandType.CANCEL);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(t.cancels("r1")).isEmpty();
            assertThat(t.metrics.ignoredRunCommands()).isEqualTo(1);
        }
    }

    @Nested
    class Policy {

        @Test
        void shouldHoldRunForApprovalThenRunIt() {
            t.policy = ctx -> ctx.stage() == PolicyStage.PRE_RUN ? OrchestratorDriver.requireApproval("prod-needs-ok")
                    : OrchestratorDriver.allow();
            t.request("r1", Plans.linear("a"));

            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.AWAITING_APPROVAL);
            assertThat(t.starts("r1")).isEmpty();
            t.command("r1", RunCommandType.APPROVE);
            assertThat(t.startedSteps("r1")).containsExactly("a");
            t.succeeded("r1", "a", 1);

            assertThat(t.runTransitions("r1")).containsExactly("null->PENDING", "PENDING->AWAITING_APPROVAL",
                    "AWAITING_APPROVAL->RUNNING", "RUNNING->SUCCEEDED");
            PolicyDecision preRun = t.decisions("r1").get(0);
            assertThat(preRun.getAction()).isEqualTo(PolicyAction.REQUIRE_APPROVAL);
            assertThat(preRun.getRulesFired()).containsExactly("prod-needs-ok");
            assertThat(t.decisions("r1")).extracting(PolicyDecision::getStage).containsExactly(
                    io.greenlang.events.policy.PolicyStage.PRE_RUN, io.greenlang.events.policy.PolicyStage.PRE_STEP);
        }

        @Test
        void shouldFailRunWhenApprovalIsRejected() {
            t.policy = ctx -> OrchestratorDriver.requireApproval("prod-needs-ok");
            t.request("r1", Plans.linear("a", "b"));
            t.command("r1", RunCommandType.REJECT);

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-YAML-POLICY");
            assertThat(state.getSteps()).extracting(StepState::getStatus).containsOnly(StepStatus.SKIPPED);
            assertThat(t.starts("r1")).isEmpty();
        }

        @Test
        void shouldFailRunDeniedByPreRunPolicy() {
            t.policy = ctx -> OrchestratorDriver.deny("no-prod");
            t.request("r1", Plans.linear("a"));

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-YAML-POLICY");
            assertThat(t.starts("r1")).isEmpty();
            PolicyDecision decision = t.decisions("r1").get(0);
            assertThat(decision.getAction()).isEqualTo(PolicyAction.DENY);
            assertThat(decision.getErrorCode()).isEqualTo("GL-E-YAML-POLICY");
            assertThat(decision.getRulesFired()).containsExactly("no-prod");
        }

        @Test
        void shouldFailStepDeniedByPreStepPolicyAndSkipTheRest() {
            t.policy = ctx -> "b".equals(ctx.step()) ? OrchestratorDriver.deny("no-b") : OrchestratorDriver.allow();
            t.request("r1", Plans.linear("a", "b", "c"));
            t.succeeded("r1", "a", 1);

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(stepStatus(state, "b")).isEqualTo(StepStatus.FAILED);
            assertThat(stepStatus(state, "c")).isEqualTo(StepStatus.SKIPPED);
            assertThat(t.startedSteps("r1")).containsExactly("a");
        }

        @Test
        void shouldWaitForApprovalOfOneStepAsARunLevelWait() {
            t.policy = ctx -> "deploy".equals(ctx.step()) ? OrchestratorDriver.requireApproval("deploys")
                    : OrchestratorDriver.allow();
            t.request("r1", Plans.linear("build", "deploy"));
            t.succeeded("r1", "build", 1);

            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.AWAITING_APPROVAL);
            assertThat(t.startedSteps("r1")).containsExactly("build");
            t.command("r1", RunCommandType.APPROVE);
            assertThat(t.startedSteps("r1")).containsExactly("build", "deploy");
            t.succeeded("r1", "deploy", 1);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        }

        @Test
        void shouldGiveTheEngineTheRunAndStepContext() {
            List<io.greenlang.pipeline.policy.PolicyContext> seen = new ArrayList<>();
            t.policy = ctx -> {
                seen.add(ctx);
                return OrchestratorDriver.allow();
            };
            t.request("r1", Plans.pipeline("ctx").namespace("production").label("team", "heat").param("n", 3)
                    .step("a").build());

            assertThat(seen).hasSize(2);
            assertThat(seen.get(0).namespace()).isEqualTo("production");
            assertThat(seen.get(0).tenant()).isEqualTo(OrchestratorDriver.TENANT);
            assertThat(seen.get(0).labels()).containsEntry("team", "heat");
            assertThat(seen.get(0).parameters()).containsEntry("n", 3L);
            assertThat(seen.get(1).step()).isEqualTo("a");
            assertThat(seen.get(1).agent()).isEqualTo("GL-TEST-a");
            assertThat(seen.get(1).resources().memory()).isEqualTo("512Mi");
        }

        @Test
        void shouldDenyWhenThePolicyEngineThrows() {
            t.policy = ctx -> {
                throw new IllegalStateException("engine broken");
            };
            t.request("r1", Plans.linear("a"));
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(t.state("r1").getErrorCode()).isEqualTo("GL-E-INTERNAL");
        }
    }

    @Nested
    class Planning {

        @Test
        void shouldFailRunWithThePlannersCode() {
            t.planner = request -> {
                throw new PipelineValidationException(List.of(ValidationProblem.at(ErrorCode.DAG_CYCLE,
                        "spec.steps[1].depends_on[0]", "cycle a -> b -> a")));
            };
            t.pipeRequest("r1", t.runRequested("r1", OrchestratorDriver.TENANT));

            RunState state = t.state("r1");
            assertThat(state.getStatus()).isEqualTo(RunStatus.FAILED);
            assertThat(state.getErrorCode()).isEqualTo("GL-E-DAG-CYCLE");
            assertThat(t.runEvents("r1").get(1).getMessage()).contains("cycle a -> b -> a");
        }

        @Test
        void shouldFailRunAsInternalWhenThePlannerBreaks() {
            t.planner = request -> {
                throw new IllegalStateException("being implemented");
            };
            t.pipeRequest("r1", t.runRequested("r1", OrchestratorDriver.TENANT));
            assertThat(t.state("r1").getErrorCode()).isEqualTo("GL-E-INTERNAL");
        }
    }

    @Nested
    class DuplicatesAndStragglers {

        @Test
        void shouldIgnoreADuplicateRunRequest() {
            t.request("r1", Plans.linear("a"));
            t.request("r1", Plans.linear("a"));
            assertThat(t.starts("r1")).hasSize(1);
            assertThat(t.runTransitions("r1")).containsExactly("null->PENDING", "PENDING->RUNNING");
            assertThat(t.metrics.duplicateRunRequests()).isEqualTo(1);
        }

        @Test
        void shouldIgnoreDuplicateAndLateStepEvents() {
            t.request("r1", Plans.linear("a", "b"));
            t.started("r1", "a", 1);
            t.started("r1", "a", 1);
            t.succeeded("r1", "a", 1);
            t.succeeded("r1", "a", 1);
            t.failed("r1", "a", 1, ErrorCode.AGENT_CRASH);
            t.started("r1", "b", 7);
            t.succeeded("r1", "nope", 1);
            t.succeeded("unknown-run", "a", 1);

            assertThat(t.metrics.ignoredStepEvents()).isEqualTo(6);
            assertThat(t.startedSteps("r1")).containsExactly("a", "b");
            assertThat(stepStatus(t.state("r1"), "a")).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(stepStatus(t.state("r1"), "b")).isEqualTo(StepStatus.DISPATCHED);
            t.succeeded("r1", "b", 1);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        }

        @Test
        void shouldIgnoreEventsOfAnAttemptThatWasAlreadyRetried() {
            t.request("r1", Plans.linear("a"));
            t.failed("r1", "a", 1, ErrorCode.NETWORK_REFUSED);
            t.advance(Duration.ofSeconds(3));
            t.succeeded("r1", "a", 1);
            assertThat(stepStatus(t.state("r1"), "a")).isEqualTo(StepStatus.DISPATCHED);
            t.succeeded("r1", "a", 2);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        }

        @Test
        void shouldTakeAHeartbeatBeforeStartedAsStarted() {
            t.request("r1", Plans.linear("a"));
            t.heartbeat("r1", "a", 1);
            t.heartbeat("r1", "a", 1);
            assertThat(stepStatus(t.state("r1"), "a")).isEqualTo(StepStatus.RUNNING);
            assertThat(t.metrics.ignoredStepEvents()).isZero();
        }
    }

    @Nested
    class Caps {

        @Test
        void shouldHoldStepsBackAtTheTenantCapAcrossRunsAndReleaseThemInOrder() {
            restart(OrchestratorDriver.settings().withMaxTenantParallelSteps(2));
            t.request("r1", Plans.pipeline("p").step("a1").step("a2").build());
            t.request("r2", Plans.pipeline("p").step("b1").step("b2").build());
            t.request("r3", Plans.pipeline("p").step("c1").build(), "tenant-b");

            assertThat(t.startedSteps("r1")).containsExactly("a1", "a2");
            assertThat(t.startedSteps("r2")).isEmpty();
            assertThat(t.startedSteps("r3")).containsExactly("c1");
            t.succeeded("r1", "a1", 1);
            assertThat(t.startedSteps("r2")).containsExactly("b1");
            t.succeeded("r1", "a2", 1);
            assertThat(t.startedSteps("r2")).containsExactly("b1", "b2");
            t.succeeded("r2", "b1", 1);
            t.succeeded("r2", "b2", 1);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(t.state("r2").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
        }

        @Test
        void shouldStartAtMostMaxParallelStepsOfOneRun() {
            restart(OrchestratorDriver.settings().withMaxParallelSteps(3));
            Plans p = Plans.pipeline("wide");
            IntStream.rangeClosed(1, 8).forEach(i -> p.step("s" + i));
            t.request("r1", p.build());
            assertThat(t.starts("r1")).hasSize(3);
            t.succeeded("r1", "s2", 1);
            assertThat(t.startedSteps("r1")).containsExactly("s1", "s2", "s3", "s4");
        }
    }

    @Nested
    class BadRecords {

        @Test
        void shouldSendAnUndecodableRecordToTheDeadLetterTopicAndGoOn() {
            // at_least_once: the 4.3 TopologyTestDriver loses a deserialization handler's records under EOS;
            // RunOrchestratorIT checks the same path with exactly-once on the real broker
            t.close();
            t = new OrchestratorDriver(OrchestratorDriver.settings(), "at_least_once");
            byte[] garbage = "this is not avro".getBytes(StandardCharsets.UTF_8);
            t.requestRaw("r0".getBytes(StandardCharsets.UTF_8), garbage);
            t.request("r1", Plans.linear("a"));

            List<DeadLetter> letters = t.deadLetters();
            assertThat(letters).hasSize(1);
            DeadLetter letter = letters.get(0);
            assertThat(letter.getTopic()).isEqualTo(t.catalog.runRequests().name());
            assertThat(letter.getErrorCode()).isEqualTo(DeadLetters.DESERIALIZATION_FAILED);
            assertThat(letter.getErrorMessage()).contains("Cannot decode RunRequested", "wrong magic bytes");
            assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString()).isEqualTo("this is not avro");
            assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalKey()).toString()).isEqualTo("r0");
            assertThat(t.starts("r1")).hasSize(1);
            assertThat(t.metrics.deadLetters()).isEqualTo(1);
        }

        @Test
        void shouldSendARecordThatMakesTheProcessorThrowToTheDeadLetterTopicAndGoOn() {
            t.plans.put("r1", Plans.linear("a"));
            t.pipeRequest("not-r1", t.runRequested("r1", OrchestratorDriver.TENANT));
            t.request("r2", Plans.linear("a"));

            List<DeadLetter> letters = t.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).getErrorCode()).isEqualTo(DeadLetters.PROCESSING_FAILED);
            assertThat(letters.get(0).getErrorMessage()).contains("is not the event's run_id");
            assertThat(letters.get(0).getMeta().getTenantId()).isEqualTo(OrchestratorDriver.TENANT);
            assertThat(letters.get(0).getProcessor()).endsWith(RunOrchestratorTopology.ORCHESTRATOR);
            assertThat(t.state("r1")).isNull();
            assertThat(t.starts("r2")).hasSize(1);
        }
    }

    @Nested
    class RunStates {

        @Test
        void shouldCoalesceIntermediateStatesAndWriteTheFinalOneAtOnce() {
            restart(OrchestratorDriver.settings().withRunStateInterval(Duration.ofMillis(100)));
            t.request("r1", Plans.linear("a", "b"));
            t.started("r1", "a", 1);
            t.succeeded("r1", "a", 1);
            assertThat(t.states("r1")).isEmpty();

            t.advance(Duration.ofMillis(150));
            assertThat(t.states("r1")).hasSize(1);
            assertThat(stepStatus(t.state("r1"), "a")).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(stepStatus(t.state("r1"), "b")).isEqualTo(StepStatus.DISPATCHED);

            t.succeeded("r1", "b", 1);
            assertThat(t.states("r1")).hasSize(2);
            assertThat(t.state("r1").getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            t.advance(Duration.ofMillis(150));
            assertThat(t.states("r1")).hasSize(2);
        }
    }

    @Nested
    class Retention {

        @Test
        void shouldForgetAFinishedRunAfterTheRetention() {
            restart(OrchestratorDriver.settings().withTerminalRetention(Duration.ofHours(1)));
            t.request("r1", Plans.linear("a"));
            t.succeeded("r1", "a", 1);
            assertThat(t.<String, RunRecord>store(RunOrchestratorTopology.RUN_STORE).get("r1")).isNotNull();
            assertThat(t.<String, String>store(RunOrchestratorTopology.ACTIVE_RUNS_STORE).get("r1")).isNull();
            t.advance(Duration.ofMinutes(61));
            assertThat(t.<String, RunRecord>store(RunOrchestratorTopology.RUN_STORE).get("r1")).isNull();
        }

        @Test
        void shouldKeepTheScheduleStoreFreeOfObsoleteTimeouts() {
            t.request("r1", Plans.linear("a", "b"));
            t.started("r1", "a", 1);
            t.succeeded("r1", "a", 1);
            t.succeeded("r1", "b", 1);
            List<String> keys = new ArrayList<>();
            try (var it = t.<String, ScheduledTask>store(RunOrchestratorTopology.SCHEDULE_STORE).all()) {
                it.forEachRemaining(kv -> keys.add(kv.key));
            }
            assertThat(keys).hasSize(1).allMatch(k -> k.contains("|RUN_PURGE|r1|"));
        }
    }
}
