package io.greenlang.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.PipelineValidationException;
import io.greenlang.pipeline.PlannedStep;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.policy.PolicyContext;
import io.greenlang.pipeline.policy.PolicyResult;
import io.greenlang.pipeline.policy.PolicyRuleSet;
import io.greenlang.pipeline.policy.PolicyRulesException;
import io.greenlang.pipeline.policy.PolicyStage;
import io.greenlang.pipeline.policy.PolicyVerdict;
import io.greenlang.pipeline.policy.RuleEvaluation;
import io.greenlang.pipeline.policy.YamlPolicyEngine;

/** {@code gl policy}: the policy engine's YAML rules, tried offline against a pipeline. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Policy rules (YAML rules with CEL conditions, docs/policy.md): try them against a pipeline.",
        subcommands = {PolicyCommand.Test.class})
final class PolicyCommand implements Runnable {

    /** Exit code when every decision allows (possibly with warnings). */
    static final int EXIT_ALLOWED = 0;
    /** Exit code when the rules, the pipeline or the options cannot be used. */
    static final int EXIT_ERROR = 1;
    /** Exit code when a decision denies. */
    static final int EXIT_DENIED = 2;
    /** Exit code when a decision requires approval (and none denies). */
    static final int EXIT_APPROVAL_REQUIRED = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code gl policy test RULES PIPELINE}: compiles the pipeline, evaluates the rules as the orchestrator would
     * (pre_run for the run, pre_step for every step) and prints each decision with the rules that fired. Reads
     * GL_POLICY_DEFAULT_ACTION and GL_POLICY_STRICT_MODE from the environment unless overridden; never contacts
     * OPA or any server.
     */
    @Command(name = "test", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = EXIT_ERROR,
            description = {
                "Evaluate YAML policy rules against a pipeline, as the orchestrator would: the run's pre_run "
                        + "decision and each step's pre_step decision, listing every rule whose condition held, "
                        + "rules that could not be evaluated, and the final verdict.",
                "OPA is not consulted."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:allowed (or allowed with warnings)",
                "1:error: unreadable or invalid rules, pipeline or options",
                "2:denied (any decision)",
                "3:approval required (and nothing denied)"})
    static final class Test implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RULES", description = "The rules file (GL_YAML_RULES_PATH format).")
        private Path rulesFile;

        @Parameters(index = "1", paramLabel = "PIPELINE", description = "The pipeline document (YAML or JSON).")
        private Path pipelineFile;

        @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A pipeline parameter; repeatable.")
        private Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--namespace", paramLabel = "NS",
                description = "Evaluate as if the pipeline ran in this namespace (default: its metadata.namespace).")
        private String namespace;

        @Option(names = "--tenant", paramLabel = "TENANT",
                description = "The run's tenant (default: the pipeline's metadata.tenant, else 'default').")
        private String tenant;

        @Option(names = "--stage", paramLabel = "STAGE", converter = StageConverter.class,
                description = "Only this stage: pre_run or pre_step (default: both).")
        private PolicyStage stage;

        @Option(names = "--default-action", paramLabel = "ACTION", converter = ActionConverter.class,
                description = "allow or deny when no rule decides (default: GL_POLICY_DEFAULT_ACTION).")
        private PolicyAction defaultAction;

        @Option(names = "--strict", negatable = true, paramLabel = "BOOL",
                description = "Deny when a condition cannot be evaluated (default: GL_POLICY_STRICT_MODE).")
        private Boolean strict;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Properties file whose GL_* keys override the environment.")
        private Path configFile;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            GlConfig config = GlConfig.load(System.getenv(), Optional.ofNullable(configFile));
            PolicyAction action = defaultAction != null ? defaultAction : config.policyDefaultAction();
            boolean strictMode = strict != null ? strict : config.policyStrictMode();

            YamlPolicyEngine engine;
            RunPlan plan;
            try {
                engine = new YamlPolicyEngine(PolicyRuleSet.load(rulesFile), action, strictMode);
            } catch (PolicyRulesException e) {
                return fail(err, e.getMessage(), "correct the rules file; its format is in docs/policy.md.");
            }
            if (!Files.isRegularFile(pipelineFile)) {
                return fail(err, "pipeline file " + pipelineFile + " does not exist", "give the path of a pipeline "
                        + "document.");
            }
            String document = Files.readString(pipelineFile, StandardCharsets.UTF_8);
            PipelineCompiler compiler = new PipelineCompiler(config);
            String runTenant = tenant != null ? tenant : compiler.declaredTenant(document).orElse("default");
            try {
                plan = compiler.compile(document, params, runTenant);
            } catch (PipelineValidationException e) {
                return fail(err, e.getMessage(), "correct the pipeline ('gl pipeline validate " + pipelineFile
                        + "'), or its --param values.");
            }

            String runNamespace = namespace != null ? namespace : plan.namespace();
            out.printf("Rules:    %s; %s=%s, %s=%s%n", engine.ruleSet(), GlConfig.POLICY_DEFAULT_ACTION,
                    action.configValue(), GlConfig.POLICY_STRICT_MODE, strictMode);
            out.printf("Pipeline: %s (namespace %s, tenant %s, %d step%s)%n", plan.pipelineName(), runNamespace,
                    plan.tenant(), plan.steps().size(), plan.steps().size() == 1 ? "" : "s");
            engine.warnings().forEach(w -> out.println("warning:  " + w));

            List<PolicyResult> results = new ArrayList<>();
            if (stage == null || stage == PolicyStage.PRE_RUN) {
                PolicyContext context = new PolicyContext(PolicyStage.PRE_RUN, runNamespace, plan.tenant(),
                        plan.pipelineName(), plan.labels(), plan.parameters(), null, null, null);
                out.printf("%npre_run  run %s%n", plan.pipelineName());
                results.add(explain(out, engine, context));
            }
            if (stage == null || stage == PolicyStage.PRE_STEP) {
                for (PlannedStep step : plan.steps()) {
                    PolicyContext context = new PolicyContext(PolicyStage.PRE_STEP, runNamespace, plan.tenant(),
                            plan.pipelineName(), plan.labels(), plan.parameters(), step.name(), step.agent(),
                            step.resources());
                    out.printf("%npre_step step %s (agent %s, cpu %s, memory %s)%n", step.name(), step.agent(),
                            step.resources().cpu(), step.resources().memory());
                    results.add(explain(out, engine, context));
                }
            }
            PolicyVerdict overall = overall(results);
            int exitCode = exitCode(overall);
            out.printf("%nDecision: %s (exit code %d)%n", overall, exitCode);
            out.flush();
            return exitCode;
        }

        private static PolicyResult explain(PrintWriter out, YamlPolicyEngine engine, PolicyContext context) {
            List<RuleEvaluation> evaluations = engine.evaluateRules(context);
            if (evaluations.isEmpty()) {
                out.printf("  (no %s rules)%n", context.stage().name().toLowerCase(Locale.ROOT));
            }
            for (RuleEvaluation evaluation : evaluations) {
                String outcome = switch (evaluation.outcome()) {
                    case HELD -> "held";
                    case NOT_HELD -> "-";
                    case FAILED -> "FAILED";
                };
                out.printf("  %-7s %-17s %s%s%n", outcome,
                        evaluation.rule().action().name().toLowerCase(Locale.ROOT), evaluation.rule().name(),
                        evaluation.error() == null ? "" : ": " + evaluation.error());
            }
            PolicyResult result = engine.evaluate(context);
            out.printf("  => %s%s%s: %s%n", result.verdict(),
                    result.approvalType() == null ? "" : " (approval_type " + result.approvalType() + ")",
                    result.errorCode() == null ? "" : " " + result.errorCode().code(), result.message());
            out.printf("     rules fired: %s; source: %s%n",
                    result.rulesFired().isEmpty() ? "none" : String.join(", ", result.rulesFired()), result.source());
            return result;
        }

        private static PolicyVerdict overall(List<PolicyResult> results) {
            List<PolicyVerdict> verdicts = results.stream().map(PolicyResult::verdict).toList();
            for (PolicyVerdict verdict : List.of(PolicyVerdict.DENY, PolicyVerdict.REQUIRE_APPROVAL,
                    PolicyVerdict.WARN)) {
                if (verdicts.contains(verdict)) {
                    return verdict;
                }
            }
            return PolicyVerdict.ALLOW;
        }

        private static int exitCode(PolicyVerdict verdict) {
            return switch (verdict) {
                case DENY -> EXIT_DENIED;
                case REQUIRE_APPROVAL -> EXIT_APPROVAL_REQUIRED;
                case ALLOW, WARN -> EXIT_ALLOWED;
            };
        }

        private static int fail(PrintWriter err, String message, String fix) {
            err.println("error: " + message);
            err.println("fix: " + fix);
            err.flush();
            return EXIT_ERROR;
        }
    }

    /** {@code pre_run} / {@code pre_step} (as in {@code applies_to}). */
    static final class StageConverter implements CommandLine.ITypeConverter<PolicyStage> {
        @Override
        public PolicyStage convert(String value) {
            for (PolicyStage stage : PolicyStage.values()) {
                if (stage.name().equalsIgnoreCase(value)) {
                    return stage;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a stage; use pre_run or pre_step");
        }
    }

    /** {@code allow} / {@code deny} (as GL_POLICY_DEFAULT_ACTION). */
    static final class ActionConverter implements CommandLine.ITypeConverter<PolicyAction> {
        @Override
        public PolicyAction convert(String value) {
            for (PolicyAction action : PolicyAction.values()) {
                if (action.configValue().equalsIgnoreCase(value)) {
                    return action;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an action; use allow or deny");
        }
    }
}
