package io.greenlang.streams.orchestrator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.greenlang.events.run.StepStatus;

/**
 * Resolves {@code ${steps.<step>.outputs.<key>}} references in a step's inputs from the outputs its upstream
 * steps reported when they SUCCEEDED. Parameter references were bound by the planner; any other {@code ${...}}
 * text is left as written.
 */
final class InputReferences {

    private static final Pattern STEP_OUTPUT = Pattern.compile(
            "\\$\\{steps\\.([A-Za-z0-9_-]+)\\.outputs\\.([A-Za-z0-9_.-]+)}");

    private InputReferences() {
    }

    /** A reference that cannot be resolved: the upstream step did not succeed or reported no such output. */
    static final class UnresolvedReferenceException extends Exception {
        private static final long serialVersionUID = 1L;

        UnresolvedReferenceException(String message) {
            super(message);
        }
    }

    /** The inputs of {@code step} with every step-output reference replaced. */
    static Map<String, String> resolve(StepRecord step, RunRecord run) throws UnresolvedReferenceException {
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, String> input : step.inputs.entrySet()) {
            resolved.put(input.getKey(), resolve(input.getKey(), input.getValue(), run));
        }
        return resolved;
    }

    private static String resolve(String inputName, String value, RunRecord run) throws UnresolvedReferenceException {
        if (value == null || !value.contains("${steps.")) {
            return value;
        }
        Matcher m = STEP_OUTPUT.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String stepName = m.group(1);
            String key = m.group(2);
            StepRecord upstream = run.step(stepName);
            if (upstream == null || upstream.status != StepStatus.SUCCEEDED) {
                throw new UnresolvedReferenceException("input '" + inputName + "' refers to " + m.group()
                        + " but step '" + stepName + "' has " + (upstream == null ? "no such step" : "status "
                        + upstream.status));
            }
            String output = upstream.outputs.get(key);
            if (output == null) {
                throw new UnresolvedReferenceException("input '" + inputName + "' refers to " + m.group()
                        + " but step '" + stepName + "' reported no output '" + key + "' (it reported "
                        + upstream.outputs.keySet() + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(output));
        }
        m.appendTail(out);
        return out.toString();
    }
}
