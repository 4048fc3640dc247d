package io.greenlang.pipeline.policy;

import java.util.List;
import java.util.Objects;

/**
 * What one policy source (the YAML rules, OPA) says about a context, before the default action is applied.
 *
 * @param source   {@code yaml} or {@code opa}
 * @param decision the source's decision, or {@code null} when it abstains (no rule fired, or OPA failed in
 *                 non-strict mode)
 * @param governs  whether the source has a say at this stage (YAML: it has rules for the stage; OPA: always);
 *                 the default action only decides a stage some source governs, or the pre-run stage
 * @param notes    things the decision must mention although they did not decide (skipped rules, an OPA vote
 *                 ignored)
 */
record Vote(String source, PolicyResult decision, boolean governs, List<String> notes) {

    Vote {
        Objects.requireNonNull(source, "source");
        notes = List.copyOf(notes);
    }
}
