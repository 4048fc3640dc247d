package io.greenlang.common.artifact;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where one step attempt's files live in the artifact bucket (orchestrator runbook §1.4):
 *
 * <pre>
 * {tenant}/runs/{run_id}/steps/{step_id}/input.json     RunContext, written by the worker before launch
 * {tenant}/runs/{run_id}/steps/{step_id}/result.json    StepResult, written by the agent
 * {tenant}/runs/{run_id}/steps/{step_id}/artifacts/...  files the agent produced (listed in result.json)
 * {tenant}/runs/{run_id}/steps/{step_id}/logs.txt       the attempt's stdout and stderr, written by the worker
 * </pre>
 *
 * <p>{@code step_id} is {@code <step>.<attempt>} (e.g. {@code mrv.2}): every attempt gets its own folder, so a
 * retry never overwrites or mixes with the files of an earlier attempt, and an output URI handed to a
 * downstream step stays valid. Step names cannot contain {@code .}, so the id is unambiguous.
 */
public final class ArtifactLayout {

    /** The RunContext file name. */
    public static final String INPUT_FILE = "input.json";
    /** The StepResult file name. */
    public static final String RESULT_FILE = "result.json";
    /** The log file name. */
    public static final String LOGS_FILE = "logs.txt";
    /** The folder agents write their artifacts to. */
    public static final String ARTIFACTS_DIR = "artifacts/";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    private ArtifactLayout() {
    }

    /** {@code {tenant}/runs/{run_id}/steps/{step}.{attempt}/}. */
    public static String stepPrefix(String tenant, String runId, String step, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
        }
        return segment("tenant", tenant) + "/runs/" + segment("run id", runId) + "/steps/"
                + stepId(step, attempt) + "/";
    }

    /** {@code {step}.{attempt}}. */
    public static String stepId(String step, int attempt) {
        String name = segment("step", step);
        if (name.contains(".")) {
            throw new IllegalArgumentException("step names cannot contain '.', got '" + step + "'");
        }
        return name + "." + attempt;
    }

    /** The attempt's folder in {@code bucket}. */
    public static S3Location stepFolder(String bucket, String tenant, String runId, String step, int attempt) {
        return new S3Location(bucket, stepPrefix(tenant, runId, step, attempt));
    }

    private static String segment(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!SEGMENT.matcher(value).matches() || value.equals("..")) {
            throw new IllegalArgumentException(what + " '" + value + "' cannot be used in an S3 key: letters, "
                    + "digits, '_', '-' and '.' only");
        }
        return value;
    }
}
