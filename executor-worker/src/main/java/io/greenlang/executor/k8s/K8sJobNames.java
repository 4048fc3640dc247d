package io.greenlang.executor.k8s;

import java.util.Locale;
import java.util.Objects;

import io.greenlang.common.json.Hashing;
import io.greenlang.executor.AttemptId;

/**
 * The names and label values the Kubernetes executor gives its objects, all derived from the attempt alone so that
 * any worker instance, before or after a restart, computes the same name for the same attempt (that is what makes
 * a redelivered launch adopt the existing Job instead of creating a second one).
 *
 * <p><b>Job name</b>: {@code gl-<step>-<attempt>-<hash>}, for example {@code gl-mrv-calc-2-5d41402abc4b}:
 * <ul>
 *   <li>{@code <step>}: the step's name in lower case, every run of characters other than {@code [a-z0-9]}
 *       replaced by one {@code -} ({@code MRV_Calc} becomes {@code mrv-calc}), cut so that the whole name stays
 *       within 63 characters, without a leading or trailing {@code -}; {@code step} when nothing is left;</li>
 *   <li>{@code <attempt>}: the attempt number in decimal;</li>
 *   <li>{@code <hash>}: the first 12 hex digits of SHA-256 of {@code <run id>/<step>/<attempt>} (exact values,
 *       UTF-8), so that steps whose sanitised prefixes collide, and the same step in different runs, get different
 *       names. Reproduce with {@code printf '%s' "$RUN/$STEP/$ATTEMPT" | sha256sum | cut -c1-12}.</li>
 * </ul>
 * The result is a DNS-1123 label (lower-case alphanumerics and {@code -}, starting and ending alphanumeric, at
 * most 63 characters), valid as a Job name and as the value of the {@code job-name} label Kubernetes puts on the
 * Job's pods. The runbook's {@code kubectl describe job gl-<step>-*} finds every attempt of a step. 48 bits of
 * hash make an accidental collision between live Jobs negligible, and the executor still checks the exact
 * attempt in the Job's annotations before adopting it.
 *
 * <p><b>Label values</b> ({@link #labelValue}) are cut to the label syntax; the exact values are kept in
 * annotations under the same keys. This class must never produce a name that depends on anything but the attempt.
 */
public final class K8sJobNames {

    /** Maximum length of a DNS-1123 label and of a label value. */
    public static final int MAX_LENGTH = 63;

    private static final String PREFIX = "gl-";
    private static final int HASH_LENGTH = 12;

    private K8sJobNames() {
    }

    /**
     * The Job name of an attempt (see the class comment).
     *
     * @param id the attempt
     * @return a DNS-1123 label of at most 63 characters
     */
    public static String jobName(AttemptId id) {
        Objects.requireNonNull(id, "id");
        String attempt = Integer.toString(id.attempt());
        String hash = Hashing.sha256Hex(id.runId() + "/" + id.step() + "/" + attempt).substring(0, HASH_LENGTH);
        int room = MAX_LENGTH - PREFIX.length() - attempt.length() - hash.length() - 2;
        String step = dnsLabelPart(id.step(), room);
        return PREFIX + (step.isEmpty() ? "step" : step) + "-" + attempt + "-" + hash;
    }

    /**
     * A value usable as a Kubernetes label value: characters other than {@code [A-Za-z0-9._-]} replaced by
     * {@code -}, cut to 63 characters, leading and trailing non-alphanumerics removed. Not reversible: keep the
     * exact value in an annotation.
     *
     * @param value any text
     * @return a valid label value, possibly empty
     */
    public static String labelValue(String value) {
        Objects.requireNonNull(value, "value");
        String replaced = value.replaceAll("[^A-Za-z0-9._-]", "-");
        if (replaced.length() > MAX_LENGTH) {
            replaced = replaced.substring(0, MAX_LENGTH);
        }
        return trimNonAlphanumeric(replaced);
    }

    /** Lower case, runs of other characters to one '-', at most {@code max} characters, no '-' at either end. */
    private static String dnsLabelPart(String text, int max) {
        String lower = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String trimmed = trimNonAlphanumeric(lower);
        if (trimmed.length() > max) {
            trimmed = trimNonAlphanumeric(trimmed.substring(0, max));
        }
        return trimmed;
    }

    private static String trimNonAlphanumeric(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && !isAlphanumeric(s.charAt(start))) {
            start++;
        }
        while (end > start && !isAlphanumeric(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
