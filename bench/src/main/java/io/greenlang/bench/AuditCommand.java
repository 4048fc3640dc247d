package io.greenlang.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.postgresql.ds.PGSimpleDataSource;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.bench.audit.AuditBenchmark;
import io.greenlang.localstack.LocalStack;

/**
 * {@code gl bench audit}: append throughput of the hash-chained audit store next to a raw COPY of the same rows,
 * both into fresh schemas of a scratch local stack's PostgreSQL.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Events/s of AuditStore.append (hash chains, exactly once per coordinate) next to a raw COPY "
                + "of the same rows into the same table layout, in the same run.")
final class AuditCommand implements Callable<Integer> {

    /** Targets of the audit issue on 2 cores. */
    static final double TARGET_EVENTS_PER_SEC = 50_000;
    static final double TARGET_RATIO_TO_RAW_COPY = 0.5;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--events", defaultValue = "1000000", description = "Events to append (default: ${DEFAULT-VALUE}).")
    private int events;

    @Option(names = "--chains", defaultValue = "1000",
            description = "Chains (runs) the events are spread over, round robin (default: ${DEFAULT-VALUE}).")
    private int chains;

    @Option(names = "--batch", defaultValue = "5000",
            description = "Records per AuditStore.append call and per baseline COPY (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--warmup-events", defaultValue = "100000",
            description = "Events appended and copied into scratch schemas before measuring, for the JIT "
                    + "(default: ${DEFAULT-VALUE}).")
    private int warmupEvents;

    @Override
    public Integer call() throws Exception {
        AuditBenchmark.Settings settings = new AuditBenchmark.Settings(events, chains, batch, warmupEvents);
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("gl-bench-");
        err.println("starting a scratch local stack under " + dir + " ...");
        err.flush();
        AuditBenchmark.Result result;
        try (LocalStack stack = LocalStack.builder(dir).deleteDataOnClose(true).build().start()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(stack.jdbcUrl());
            dataSource.setUser(stack.postgresUser());
            dataSource.setPassword(stack.postgresPassword());
            result = new AuditBenchmark(dataSource).run(settings, message -> {
                err.println("  " + message);
                err.flush();
            });
        }
        Map<String, Object> json = new LinkedHashMap<>(result.toMap());
        boolean met = result.audit().eventsPerSecond() >= TARGET_EVENTS_PER_SEC
                && result.ratio() >= TARGET_RATIO_TO_RAW_COPY;
        // append writes the raw COPY's rows into the same table and does more besides: it cannot be faster
        boolean reachable = result.raw().eventsPerSecond() >= TARGET_EVENTS_PER_SEC;
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("events_per_sec_at_least", TARGET_EVENTS_PER_SEC);
        targets.put("audit_to_raw_copy_at_least", TARGET_RATIO_TO_RAW_COPY);
        targets.put("met", met);
        targets.put("events_per_sec_reachable_on_this_machine", reachable);
        json.put("targets", targets);
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(json));
        spec.commandLine().getOut().flush();
        err.println(result.summary() + String.format("; targets (>= %,.0f events/s, >= %.1fx raw COPY) %s%s",
                TARGET_EVENTS_PER_SEC, TARGET_RATIO_TO_RAW_COPY, met ? "met" : "NOT met",
                reachable ? "" : String.format("; %,.0f events/s out of reach here: the raw COPY itself reaches %,.0f "
                        + "rows/s", TARGET_EVENTS_PER_SEC, result.raw().eventsPerSecond())));
        err.flush();
        return 0;
    }
}
