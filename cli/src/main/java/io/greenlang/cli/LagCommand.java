package io.greenlang.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.Admin;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.lag.GroupLag;
import io.greenlang.gateway.lag.LagMonitor;
import io.greenlang.gateway.lag.LagStatus;
import io.greenlang.gateway.lag.PartitionLag;

/**
 * {@code gl lag}: consumer-group lag read from Kafka by this process (a {@link LagMonitor}; the gateway need not
 * run), as a table worst first. With {@code --watch} it samples again every interval, so Burrow's window fills
 * and statuses other than OK can appear; on a terminal each table replaces the previous one.
 */
@Command(name = "lag",
        mixinStandardHelpOptions = true,
        description = {"Consumer-group lag per partition: committed and end offsets, offset lag, time lag (age of the "
                + "record at the committed offset) and Burrow's status, worst first.",
                "Statuses other than OK need a full window of samples: use --watch (the window fills after "
                        + "--window samples).",
                "Exit codes: 0, or " + LagCommand.EXIT_GROUP_ERR + " when a group is ERR in the last table; 1 on "
                        + "failure."})
final class LagCommand implements Callable<Integer> {

    /** Exit code when the last evaluation has a group in ERR (a partition STOP, STALL or REWIND). */
    static final int EXIT_GROUP_ERR = 3;
    private static final String CLEAR_SCREEN = "\033[H\033[2J";
    private static final String FORMAT = "%-32s %-32s %9s %12s %12s %10s %10s %s%n";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private KafkaOptions kafka;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
            description = "Only this consumer group (repeatable; default: every group with committed offsets).")
    private List<String> groups = new ArrayList<>();

    @Option(names = {"-w", "--watch"}, description = "Sample again every --interval and redraw the table.")
    private boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between samples with --watch (default: GL_LAG_SAMPLE_SECONDS).")
    private Integer intervalSeconds;

    @Option(names = "--window", paramLabel = "SAMPLES",
            description = "Samples in Burrow's window per partition (default: GL_LAG_WINDOW_SAMPLES).")
    private Integer window;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N",
            description = "With --watch, stop after N tables (default: 0, until interrupted).")
    private int iterations;

    @Override
    public Integer call() throws Exception {
        GlConfig config = kafka.config();
        int windowSize = window == null ? config.lagWindowSamples() : window;
        Duration interval = intervalSeconds == null ? config.lagSampleInterval() : Duration.ofSeconds(intervalSeconds);
        if (interval.isNegative() || interval.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval must be at least 1 second");
        }
        Map<String, Object> client = kafka.clientProperties();
        LagMonitor.Settings settings = LagMonitor.Settings.defaults().withWindowSize(windowSize).withGroups(groups);
        PrintWriter out = spec.commandLine().getOut();
        boolean redraw = watch && CommandLine.Help.Ansi.AUTO.enabled();
        List<GroupLag> last = List.of();
        try (Admin admin = Admin.create(client);
             LagMonitor monitor = new LagMonitor(admin, LagMonitor.consumerFactory(client), Clock.systemUTC(),
                     settings)) {
            for (int i = 1; ; i++) {
                last = monitor.sample();
                if (i == 1 && !groups.isEmpty() && last.isEmpty()) {
                    throw new GreenLangException(ErrorCode.DATA_NOT_FOUND, "No committed offsets for consumer group(s) "
                            + String.join(", ", groups));
                }
                if (redraw) {
                    out.print(CLEAR_SCREEN);
                }
                print(out, last, monitor.lastSampleTime().orElse(Instant.now()), Math.min(i, windowSize), windowSize);
                out.flush();
                if (!watch || (iterations > 0 && i >= iterations)) {
                    break;
                }
                if (!redraw) {
                    out.println();
                }
                Thread.sleep(interval.toMillis());
            }
        }
        return last.stream().anyMatch(g -> g.status() == LagStatus.ERR) ? EXIT_GROUP_ERR : 0;
    }

    private static void print(PrintWriter out, List<GroupLag> groups, Instant at, int samples, int windowSize) {
        out.printf("consumer lag at %s (window %d/%d samples)%n", at.truncatedTo(ChronoUnit.MILLIS), samples,
                windowSize);
        if (groups.isEmpty()) {
            out.println("no consumer group with committed offsets");
            return;
        }
        out.printf(FORMAT, "GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "TIME-LAG", "STATUS");
        for (GroupLag group : groups) {
            for (PartitionLag p : group.partitions()) {
                out.printf(FORMAT, p.group(), p.topic(), p.partition(), p.committed(), p.logEnd(), p.offsetLag(),
                        timeLag(p.timeLag()), p.status());
            }
        }
        for (GroupLag group : groups) {
            out.printf("group %s: %s%n", group.group(), group.status());
        }
    }

    /** Seconds with millisecond precision; {@code -} when unknown. */
    static String timeLag(Duration lag) {
        if (lag == null) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%.3fs", lag.toMillis() / 1000.0);
    }
}
