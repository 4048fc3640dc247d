package io.greenlang.streams.orchestrator;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A timer in the {@code run-schedule-store}: at {@code due} (epoch ms, wall clock) the punctuator looks at
 * {@code runId} (and {@code step}/{@code attempt}) and acts if the timer still applies. Timers are checked
 * against the run's state when they fire, so a stale one is harmless; the orchestrator still deletes the ones it
 * knows to be obsolete, to keep the store small.
 *
 * <p>The store key is {@link #key()}: the zero-padded due time first, so that a range scan from the start up to
 * "now" returns exactly the due timers, in order.
 *
 * @param kind    what to do
 * @param due     when, epoch milliseconds
 * @param runId   the run
 * @param step    the step, or {@code null} for run timers
 * @param attempt the step attempt the timer belongs to (0 for run timers)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ScheduledTask(Kind kind, long due, String runId, String step, int attempt) {

    /** Kinds of timers. */
    enum Kind {
        /** The step attempt's deadline: time it out (GL-E-AGENT-TIMEOUT). */
        STEP_TIMEOUT,
        /** The step's backoff is over: make it READY again. */
        STEP_RETRY,
        /** The cancel grace period of a terminating run is over: close it. */
        RUN_DRAIN,
        /** The retention of a finished run is over: forget it. */
        RUN_PURGE
    }

    /** The store key: {@code <13-digit due>|<kind>|<run>|<step>|<attempt>}. */
    String key() {
        return key(kind, due, runId, step, attempt);
    }

    static String key(Kind kind, long due, String runId, String step, int attempt) {
        return time(due) + "|" + kind + "|" + runId + "|" + (step == null ? "" : step) + "|" + attempt;
    }

    /** The largest key of a timer due at or before {@code time}: the upper bound of the due range. */
    static String upperBound(long time) {
        return time(time) + "|~";
    }

    /**
     * {@code time} zero-padded to 13 digits ({@code %013d}), so that keys sort by due time. Written out rather than
     * with {@code String.format}, which took a tenth of the orchestrator's processing time: every dispatch and every
     * result builds a key.
     */
    static String time(long time) {
        if (time < 0) {
            return String.format(Locale.ROOT, "%013d", time);
        }
        String digits = Long.toString(time);
        return digits.length() >= 13 ? digits : "0".repeat(13 - digits.length()) + digits;
    }

    /** The smallest possible key. */
    static String lowerBound() {
        return "0000000000000|";
    }
}
