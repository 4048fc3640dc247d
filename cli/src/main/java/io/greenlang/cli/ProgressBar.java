package io.greenlang.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar for long CLI work: {@code label [#####.....]  45%  1,234/2,750 chains  812 chains/s}.
 * On a terminal it redraws the line in place at most ten times a second; when the output is not a terminal (a
 * log, a pipe) it prints a line at every tenth of the work instead, so logs stay readable. Not thread-safe: one
 * thread updates it.
 */
final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final String label;
    private final String unit;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long total;
    private long done;
    private long lastDraw;
    private long lastDecile;
    private boolean closed;

    /**
     * @param out         where to draw
     * @param label       what is being done, e.g. {@code verifying}
     * @param total       units of work in all (0 when unknown: the bar then shows only the count and rate)
     * @param unit        the unit's plural, e.g. {@code chains}
     * @param interactive true to redraw in place (a terminal), false to print one line per tenth
     */
    ProgressBar(PrintWriter out, String label, long total, String unit, boolean interactive) {
        this.out = out;
        this.label = label;
        this.total = Math.max(0, total);
        this.unit = unit;
        this.interactive = interactive;
    }

    /** A bar that redraws in place when this JVM has a terminal. */
    static ProgressBar onConsole(PrintWriter out, String label, long total, String unit) {
        return new ProgressBar(out, label, total, unit, System.console() != null);
    }

    /** Sets the work done so far (and the total, when it became known or changed). */
    void update(long doneSoFar, long totalNow) {
        total = Math.max(0, totalNow);
        update(doneSoFar);
    }

    /** Sets the work done so far. */
    void update(long doneSoFar) {
        done = doneSoFar;
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                out.print("\r" + line(now));
                out.flush();
            }
        } else if (total > 0) {
            long decile = Math.min(10, done * 10 / total);
            if (decile > lastDecile && decile < 10) {
                lastDecile = decile;
                out.println(line(now));
                out.flush();
            }
        }
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        out.print((interactive ? "\r" : "") + line(System.nanoTime()));
        out.println();
        out.flush();
    }

    /** The bar's text at time {@code now} (no line break). */
    String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        String rate = String.format(Locale.ROOT, "%,.0f %s/s", done / seconds, unit);
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s  %,d %s  %s", label, done, unit, rate);
        }
        double fraction = Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %,d/%,d %s  %s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), (int) Math.floor(fraction * 100), done, total, unit, rate);
    }
}
