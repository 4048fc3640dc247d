package io.greenlang.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.localstack.LocalStack;

/**
 * The benchmark harness ({@code ./gl bench ...}). Each benchmark prints its figures as JSON on standard output
 * and a one-line summary on standard error, next to the raw-Kafka baseline measured in the same run. Progress
 * goes to standard error.
 */
@Command(name = "gl bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the platform, each next to a raw-Kafka baseline measured in the same run.",
        subcommands = {Bench.KafkaBaselineCommand.class, OrchestrationCommand.class, ExecutorCommand.class,
                AuditCommand.class, ReplayBenchCommand.class, LagBenchmark.class, SubmitBenchmark.class,
                DispatchBenchmark.class, IngestCommand.class,
                CommandLine.HelpCommand.class})
public final class Bench implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the harness and exits with its code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /**
     * Runs {@code body} against {@code bootstrapServers}, or against a scratch local stack started for the
     * run (and deleted afterwards) when none is given.
     */
    static <T> T withBroker(String bootstrapServers, PrintWriter err, BrokerBody<T> body) throws Exception {
        if (bootstrapServers != null) {
            return body.run(bootstrapServers);
        }
        Path dir = Files.createTempDirectory("gl-bench-");
        err.println("starting a scratch local stack under " + dir + " ...");
        err.flush();
        try (LocalStack stack = LocalStack.builder(dir).deleteDataOnClose(true).build().start()) {
            return body.run(stack.kafkaBootstrapServers());
        }
    }

    /** Work that needs a broker. */
    @FunctionalInterface
    interface BrokerBody<T> {
        T run(String bootstrapServers) throws Exception;
    }


    /** {@code gl bench kafka-baseline}. */
    @Command(name = "kafka-baseline", mixinStandardHelpOptions = true,
            description = "Raw producer and consumer throughput for fixed-size records (acks=all, idempotent).")
    static final class KafkaBaselineCommand implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
                description = "Broker to measure (default: a scratch local stack started for the run).")
        private String bootstrapServers;

        @Option(names = "--records", defaultValue = "1000000", description = "Records to send (default: ${DEFAULT-VALUE}).")
        private int records;

        @Option(names = "--record-size", defaultValue = "200", description = "Bytes per record (default: ${DEFAULT-VALUE}).")
        private int recordSize;

        @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the scratch topic (default: ${DEFAULT-VALUE}).")
        private int partitions;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            KafkaBaseline.Settings settings = new KafkaBaseline.Settings(records, recordSize, partitions);
            KafkaBaseline.Result result = withBroker(bootstrapServers, err, servers ->
                    new KafkaBaseline(servers).run(settings, (phase, done) -> {
                        err.printf("  %s: %,d / %,d records%n", phase, done, settings.records());
                        err.flush();
                    }));
            spec.commandLine().getOut().println(json().writeValueAsString(result.toMap()));
            spec.commandLine().getOut().flush();
            err.println(result.summary());
            err.flush();
            return 0;
        }
    }
}
