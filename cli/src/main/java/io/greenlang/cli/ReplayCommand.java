package io.greenlang.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.greenlang.audit.AuditDataSources;
import io.greenlang.audit.AuditReplay;
import io.greenlang.audit.ReplayOptions;
import io.greenlang.audit.ReplayReport;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.topics.TopicCatalog;

/**
 * {@code gl replay}: rebuilds the audit chains from the audited topics into a scratch schema and compares every
 * chain with the live store (audit reconstruction, ARCHITECTURE "Audit").
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuild the audit hash chains from the audited Kafka topics into a scratch schema and "
                + "compare every replayed chain with the live audit store.",
                "Prints equal, differing, missing and live-only chains; exits 1 on any difference "
                        + "(GL-E-AUDIT-CHAIN-BROKEN).",
                "Restore drill: after restoring the store from a backup, replay from the backup's time with "
                        + "--into set to the live schema to bring it level, then run 'gl audit verify'."})
final class ReplayCommand implements Callable<Integer> {

    private static final Pattern OFFSET = Pattern.compile("(.+):(\\d+)@(\\d+)");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;
    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--from", paramLabel = "START", defaultValue = "earliest",
            description = "earliest (default), a time (ISO-8601 instant, date, or an age such as 24h: each "
                    + "partition from its first record at or after it), or offsets TOPIC:PARTITION@OFFSET[,...] "
                    + "(only those partitions).")
    private String from;

    @Option(names = "--to", paramLabel = "END", defaultValue = "latest",
            description = "latest (default: the end offsets when the replay starts) or a time (records from then "
                    + "on are not replayed).")
    private String to;

    @Option(names = "--topics", paramLabel = "TOPIC", split = ",",
            description = "Audited topics to replay, base names such as gl.run.events (default: GL_AUDIT_TOPICS).")
    private List<String> topics;

    @Option(names = "--into", required = true, paramLabel = "SCHEMA",
            description = "Schema to rebuild into, e.g. audit_replay (created if missing). The live schema itself "
                    + "brings a restored store level.")
    private String into;

    @Option(names = "--reset", description = "Drop and recreate the --into schema first (never the live one).")
    private boolean reset;

    @Option(names = "--schema", paramLabel = "SCHEMA",
            description = "Schema of the live audit store (default: GL_AUDIT_SCHEMA).")
    private String liveSchema;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Prefix of the deployment's topic names (default: none).")
    private String topicPrefix;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + ReplayOptions.DEFAULT_BATCH_SIZE,
            description = "Events per database transaction (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GlConfig config = kafka.config();
        TopicCatalog catalog = topicPrefix.isEmpty() ? TopicCatalog.standard() : TopicCatalog.withPrefix(topicPrefix);
        ReplayOptions options;
        try {
            options = ReplayOptions.of(topics == null || topics.isEmpty() ? config.auditTopics() : topics,
                            liveSchema == null ? config.auditSchema() : liveSchema, into)
                    .withStart(start(from, catalog.prefix()))
                    .withEnd(end(to))
                    .withReset(reset)
                    .withBatchSize(batchSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
        }
        out.printf("Replaying %s from %s to %s into schema %s (live store: schema %s) ...%n", options.topics(),
                from, to, options.targetSchema(), options.liveSchema());
        out.flush();
        AuditReplay replay = new AuditReplay(catalog, AuditDataSources.fromConfig(config), kafka.clientProperties());
        ReplayReport report;
        try (ProgressBar bar = ProgressBar.onConsole(out, "replaying", 0, "events")) {
            report = replay.run(options, bar::update);
            bar.update(report.eventsReplayed(), report.eventsReplayed()); // the total counted offsets, not records
        }
        return print(report, out);
    }

    /** Prints the comparison; returns 0 if every chain is equal, else throws GL-E-AUDIT-CHAIN-BROKEN. */
    static int print(ReplayReport report, PrintWriter out) {
        printReport(report, out);
        if (report.allEqual()) {
            return 0;
        }
        ReplayReport.ChainComparison first = report.differences().get(0);
        throw new GreenLangException(ErrorCode.AUDIT_CHAIN_BROKEN, report.differences().size() + " chain(s) differ "
                + "between the topics and the live audit store; first: " + first.chainId() + " " + first.status(),
                null, Map.of("chain_id", first.chainId(), "status", first.status().name()));
    }

    /** Prints each chain that is not equal, then the counts and the rate. */
    static void printReport(ReplayReport report, PrintWriter out) {
        for (ReplayReport.ChainComparison chain : report.differences()) {
            out.printf("  %-10s %s%s%n", chain.status(), chain.chainId(), chain.firstBadSeq() > 0
                    ? " (first bad seq " + chain.firstBadSeq() + ")" : "");
        }
        out.printf(Locale.ROOT, "  %,d event(s) replayed (%,d appended) in %.1f s, %,.0f events/s; chains: %d equal, "
                        + "%d differing, %d missing, %d live-only.%n", report.eventsReplayed(), report.appended(),
                report.elapsed().toMillis() / 1000.0, report.eventsPerSecond(),
                report.count(ReplayReport.Status.EQUAL), report.count(ReplayReport.Status.DIFFERING),
                report.count(ReplayReport.Status.MISSING), report.count(ReplayReport.Status.LIVE_ONLY));
        if (report.allEqual()) {
            out.println("  Every replayed chain equals the live store.");
        }
        out.flush();
    }

    static ReplayOptions.Start start(String text, String topicPrefix) {
        String value = text.trim();
        if (value.equalsIgnoreCase("earliest")) {
            return ReplayOptions.Start.earliest();
        }
        if (value.contains("@")) {
            Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
            for (String item : value.split(",")) {
                Matcher m = OFFSET.matcher(item.trim());
                if (!m.matches()) {
                    throw new IllegalArgumentException("'" + item + "' is not TOPIC:PARTITION@OFFSET");
                }
                String topic = m.group(1).startsWith(topicPrefix) ? m.group(1) : topicPrefix + m.group(1);
                offsets.put(new TopicPartition(topic, Integer.parseInt(m.group(2))), Long.parseLong(m.group(3)));
            }
            return ReplayOptions.Start.offsets(offsets);
        }
        return ReplayOptions.Start.at(TimeArguments.parse(value, Clock.systemUTC()));
    }

    static ReplayOptions.End end(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase("latest")) {
            return ReplayOptions.End.latest();
        }
        Instant time = TimeArguments.parse(value, Clock.systemUTC());
        return ReplayOptions.End.at(time);
    }
}
