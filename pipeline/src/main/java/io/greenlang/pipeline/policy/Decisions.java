package io.greenlang.pipeline.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.error.ErrorCode;

/**
 * Combines votes into one decision; the single place where the combination rules live (docs/policy.md):
 * <ol>
 *   <li>DENY wins over REQUIRE_APPROVAL, which wins over WARN, which wins over ALLOW.</li>
 *   <li>The result's rules fired are those of every vote; its source names every source that voted the winning
 *       verdict ({@code yaml}, {@code opa}, {@code yaml+opa}).</li>
 *   <li>When no source decided, GL_POLICY_DEFAULT_ACTION decides (source {@code default}) - at the pre-run stage
 *       always, at the pre-step stage only when some source governs it (there are pre_step rules, or OPA is
 *       enabled). An ungoverned pre-step decision is ALLOW: the run was already admitted at pre-run.</li>
 * </ol>
 * Pure functions.
 */
final class Decisions {

    static final String DEFAULT_SOURCE = "default";

    private Decisions() {
    }

    /** Higher wins. */
    static int rank(PolicyVerdict verdict) {
        return switch (verdict) {
            case ALLOW -> 0;
            case WARN -> 1;
            case REQUIRE_APPROVAL -> 2;
            case DENY -> 3;
        };
    }

    static PolicyResult combine(PolicyContext context, List<Vote> votes, PolicyAction defaultAction) {
        List<String> notes = votes.stream().flatMap(v -> v.notes().stream()).toList();
        List<Vote> decisive = votes.stream().filter(v -> v.decision() != null).toList();
        if (decisive.isEmpty()) {
            return byDefault(context, votes, defaultAction, notes);
        }
        PolicyVerdict winner = decisive.stream().map(v -> v.decision().verdict())
                .max(Comparator.comparingInt(Decisions::rank)).orElseThrow();
        List<PolicyResult> winners = decisive.stream().map(Vote::decision).filter(d -> d.verdict() == winner)
                .toList();
        Set<String> rulesFired = new LinkedHashSet<>();
        decisive.forEach(v -> rulesFired.addAll(v.decision().rulesFired()));
        String source = winners.stream().map(PolicyResult::source).distinct().collect(Collectors.joining("+"));
        String message = winners.stream().map(PolicyResult::message).collect(Collectors.joining("; "));
        PolicyResult first = winners.get(0);
        return new PolicyResult(winner, new ArrayList<>(rulesFired), first.errorCode(), withNotes(message, notes),
                source, winner == PolicyVerdict.REQUIRE_APPROVAL ? first.approvalType() : null);
    }

    private static PolicyResult byDefault(PolicyContext context, List<Vote> votes, PolicyAction defaultAction,
                                          List<String> notes) {
        boolean governed = context.stage() == PolicyStage.PRE_RUN || votes.stream().anyMatch(Vote::governs);
        if (!governed) {
            return new PolicyResult(PolicyVerdict.ALLOW, List.of(), null, withNotes(
                    "no pre_step policy (no pre_step rules, OPA not enabled): a step of an admitted run is allowed",
                    notes), DEFAULT_SOURCE, null);
        }
        String subject = context.stage() == PolicyStage.PRE_RUN ? "this run" : "step '" + context.step() + "'";
        String setting = GlConfig.POLICY_DEFAULT_ACTION + "=" + defaultAction.configValue();
        if (defaultAction == PolicyAction.ALLOW) {
            return new PolicyResult(PolicyVerdict.ALLOW, List.of(), null,
                    withNotes("no rule decided " + subject + "; allowed by " + setting, notes), DEFAULT_SOURCE, null);
        }
        return new PolicyResult(PolicyVerdict.DENY, List.of(), ErrorCode.YAML_POLICY,
                withNotes("no rule allowed " + subject + " (" + setting + ")", notes), DEFAULT_SOURCE, null);
    }

    private static String withNotes(String message, List<String> notes) {
        return notes.isEmpty() ? message : message + " [" + String.join("; ", notes) + "]";
    }
}
