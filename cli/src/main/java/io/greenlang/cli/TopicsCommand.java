package io.greenlang.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.Admin;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.greenlang.topics.ApplyReport;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;
import io.greenlang.topics.TopicCatalogRefusedException;
import io.greenlang.topics.TopicDifference;
import io.greenlang.topics.TopicStatus;

/** {@code gl topics}: the topic catalog and how a cluster compares with it. */
@Command(name = "topics",
        mixinStandardHelpOptions = true,
        description = "The platform's topic catalog: list it, compare a cluster with it, apply it.",
        subcommands = {
                TopicsCommand.ListTopics.class,
                TopicsCommand.Diff.class,
                TopicsCommand.Apply.class,
                TopicsCommand.Describe.class,
                TopicsCommand.Docs.class
        })
final class TopicsCommand implements Runnable {

    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * A subcommand that works on the cluster: opens an admin client from the shared Kafka options, runs
     * against the standard catalog, and closes the client.
     */
    abstract static class ClusterCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        KafkaOptions kafka;

        @Override
        public final Integer call() {
            try (Admin admin = kafka.admin()) {
                return run(new TopicAdmin(admin, ADMIN_TIMEOUT), TopicCatalog.standard().all(),
                        spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }

        /** The command's work; returns its exit code. */
        abstract int run(TopicAdmin admin, List<Topic<?, ?>> topics, PrintWriter out, PrintWriter err);
    }

    static String retention(Topic<?, ?> t) {
        return t.retention() == null ? "-" : t.retention().toString();
    }

    /** {@code gl topics list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the catalog's topics (no cluster needed).")
    static final class ListTopics implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-24s %-22s %5s %3s %-8s %-9s%n", "TOPIC", "VALUE", "PARTS", "RF", "CLEANUP", "RETENTION");
            for (Topic<?, ?> t : TopicCatalog.standard().all()) {
                out.printf("%-24s %-22s %5d %3d %-8s %-9s%n", t.name(), t.valueType().getSimpleName(),
                        t.partitions(), t.replicationFactor(), t.cleanupPolicy().configValue(), retention(t));
            }
            return 0;
        }
    }

    /** {@code gl topics diff}. */
    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Show what differs between the catalog and the cluster. Exit code 0: no difference; "
                    + "2: differences found.")
    static final class Diff extends ClusterCommand {
        @Override
        int run(TopicAdmin admin, List<Topic<?, ?>> topics, PrintWriter out, PrintWriter err) {
            List<TopicDifference> differences = admin.diff(topics);
            if (differences.isEmpty()) {
                out.println("No difference: the cluster matches the catalog (" + topics.size() + " topics).");
                return 0;
            }
            for (TopicDifference d : differences) {
                out.println(switch (d.kind().fix()) {
                    case APPLIED -> "  ~ ";
                    case REFUSED -> "  ! ";
                    case LEFT_ALONE -> "  ? ";
                } + d.describe());
            }
            out.println(differences.size() + " difference(s). '~' is fixed by 'gl topics apply'; "
                    + "'!' makes apply refuse; '?' is left for an operator.");
            return 2;
        }
    }

    /** {@code gl topics apply}. */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create missing topics, raise partition counts and align configs. Never deletes a topic "
                    + "and never lowers partitions (refuses the catalog instead, changing nothing).")
    static final class Apply extends ClusterCommand {
        @Override
        int run(TopicAdmin admin, List<Topic<?, ?>> topics, PrintWriter out, PrintWriter err) {
            try {
                ApplyReport report = admin.apply(topics);
                report.applied().forEach(d -> out.println("  applied: " + d.describe()));
                report.leftAlone().forEach(d -> out.println("  left alone: " + d.describe()));
                out.println(report.noChange() ? "No change: the cluster already matches the catalog."
                        : report.applied().size() + " change(s) applied.");
                return 0;
            } catch (TopicCatalogRefusedException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
    }

    /** {@code gl topics describe}. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show what the cluster holds for each catalog topic.")
    static final class Describe extends ClusterCommand {
        @Override
        int run(TopicAdmin admin, List<Topic<?, ?>> topics, PrintWriter out, PrintWriter err) {
            out.printf("%-24s %-7s %5s %3s %s%n", "TOPIC", "EXISTS", "PARTS", "RF", "CONFIGS");
            for (TopicStatus s : admin.describe(topics)) {
                out.printf("%-24s %-7s %5d %3d %s%n", s.name(), s.exists() ? "yes" : "no", s.partitions(),
                        s.replicationFactor(), s.configs());
            }
            return 0;
        }
    }

    /** {@code gl topics docs}. */
    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Write the topic reference (Markdown) generated from the catalog.")
    static final class Docs implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "docs/topics.md",
                description = "Where to write it (default: ${DEFAULT-VALUE}; '-' for standard output).")
        private Path output;

        @Override
        public Integer call() throws IOException {
            return DocsCommand.write(spec, output, TopicCatalog.standard().toMarkdown());
        }
    }
}
