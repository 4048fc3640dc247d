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

import io.greenlang.audit.ReplayOptions;
import io.greenlang.bench.replay.ReplayBenchmark;
import io.greenlang.localstack.LocalStack;

/**
 * {@code gl bench replay}: events/s of the audit replay (read the audited topics, append into a scratch schema,
 * compare with the live store) next to a raw read of the same partitions, both on a scratch local stack.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Events/s of AuditReplay (gl.run.events + gl.step.events into a scratch schema, compared with "
                + "the live store) next to a raw KafkaConsumer read of the same partitions, in the same run, and "
                + "the two floors no replay can beat (decode and hash in memory; a bare COPY of the rows).")
final class ReplayBenchCommand implements Callable<Integer> {

    /** Target of the replay issue: the replay at least half as fast as a raw read of the topics. */
    static final double TARGET_RATIO_TO_RAW_READ = 0.5;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--events", defaultValue = "300000", description = "Events to produce and replay "
            + "(default: ${DEFAULT-VALUE}).")
    private int events;

    @Option(names = "--chains", defaultValue = "1000",
            description = "Chains (run ids, half on each topic) the events are spread over, round robin "
                    + "(default: ${DEFAULT-VALUE}).")
    private int chains;

    @Option(names = "--batch", defaultValue = "" + ReplayOptions.DEFAULT_BATCH_SIZE,
            description = "Records per AuditStore.append of the replay (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--empty-live", description = "Compare with an empty (only migrated) live store instead of "
            + "filling it by an untimed replay into it first; every chain is then MISSING, and the JIT is cold.")
    private boolean emptyLive;

    @Override
    public Integer call() throws Exception {
        ReplayBenchmark.Settings settings = new ReplayBenchmark.Settings(events, chains, batch, !emptyLive);
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("gl-bench-");
        err.println("starting a scratch local stack under " + dir + " ...");
        err.flush();
        ReplayBenchmark.Result result;
        try (LocalStack stack = LocalStack.builder(dir).deleteDataOnClose(true).build().start()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(stack.jdbcUrl());
            dataSource.setUser(stack.postgresUser());
            dataSource.setPassword(stack.postgresPassword());
            result = new ReplayBenchmark(stack.kafkaBootstrapServers(), dataSource).run(settings, message -> {
                err.println("  " + message);
                err.flush();
            });
        }
        Map<String, Object> json = new LinkedHashMap<>(result.toMap());
        boolean met = result.ratio() >= TARGET_RATIO_TO_RAW_READ;
        // no replay that reads, hashes and stores every event is faster than the slower floor
        boolean reachable = result.ceilingRatio() >= TARGET_RATIO_TO_RAW_READ;
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("replay_to_raw_read_at_least", TARGET_RATIO_TO_RAW_READ);
        targets.put("met", met);
        targets.put("reachable_on_this_machine", reachable);
        json.put("targets", targets);
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(json));
        spec.commandLine().getOut().flush();
        err.println(result.summary() + String.format("; target (>= %.1fx raw read) %s%s", TARGET_RATIO_TO_RAW_READ,
                met ? "met" : "NOT met", reachable ? "" : String.format(" and out of reach here (ceiling %.3fx)",
                        result.ceilingRatio())));
        err.flush();
        return 0;
    }
}
