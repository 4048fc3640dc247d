package io.greenlang.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two reference forms of GLIP v1 inside string values: {@code ${params.NAME}} (bound when the plan is
 * compiled) and {@code ${steps.STEP.outputs.NAME}} (resolved by the orchestrator when the step is dispatched).
 * Any other {@code ${...}} is literal text (so a shell's {@code ${HOME}} in a command is left alone), but a
 * <code>${params.</code> or <code>${steps.</code> that is not a well-formed reference is reported, since it is almost
 * certainly a typo.
 */
final class References {

    private static final Pattern PARAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern STEP_OUTPUT =
            Pattern.compile("([a-z][a-z0-9_-]*)\\.outputs\\.([A-Za-z_][A-Za-z0-9_-]*)");

    private References() {
    }

    /** {@code ${params.name}} or {@code ${steps.step.outputs.output}}, at [start, end) of the text. */
    record Reference(boolean parameter, String name, String output, int start, int end) {
    }

    /**
     * Every reference in the text, in order.
     *
     * @param malformed receives a message for each <code>${params.</code> or <code>${steps.</code> that is not a valid
     *                  reference
     */
    static List<Reference> find(String text, List<String> malformed) {
        List<Reference> found = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = text.indexOf("${", from);
            if (start < 0) {
                return found;
            }
            boolean params = text.startsWith("params.", start + 2);
            boolean steps = text.startsWith("steps.", start + 2);
            if (!params && !steps) {
                from = start + 2;
                continue;
            }
            int close = text.indexOf('}', start);
            if (close < 0) {
                malformed.add("'" + abbreviate(text.substring(start)) + "' has no closing '}'");
                return found;
            }
            String body = text.substring(start + 2, close);
            if (params) {
                String name = body.substring("params.".length());
                if (PARAM.matcher(name).matches()) {
                    found.add(new Reference(true, name, null, start, close + 1));
                } else {
                    malformed.add("'${" + abbreviate(body) + "}' is not a parameter reference; write ${params.NAME}");
                }
            } else {
                Matcher m = STEP_OUTPUT.matcher(body.substring("steps.".length()));
                if (m.matches()) {
                    found.add(new Reference(false, m.group(1), m.group(2), start, close + 1));
                } else {
                    malformed.add("'${" + abbreviate(body) + "}' is not a step output reference; write "
                            + "${steps.STEP.outputs.NAME}");
                }
            }
            from = close + 1;
        }
    }

    /** The text with every {@code ${params.x}} replaced by the value's text; step output references stay. */
    static String bind(String text, Map<String, Object> parameters, Function<Object, String> asText) {
        List<Reference> references = find(text, new ArrayList<>());
        if (references.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int at = 0;
        for (Reference r : references) {
            if (r.parameter() && parameters.containsKey(r.name())) {
                out.append(text, at, r.start()).append(asText.apply(parameters.get(r.name())));
                at = r.end();
            }
        }
        return out.append(text, at, text.length()).toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
