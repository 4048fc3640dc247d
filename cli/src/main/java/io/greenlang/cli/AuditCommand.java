package io.greenlang.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.greenlang.audit.AuditDataSources;
import io.greenlang.audit.AuditPackage;
import io.greenlang.audit.AuditPackages;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.ChainVerification;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/** {@code gl audit}: verify the hash-chained audit store and export a run's audit package. */
@Command(name = "audit",
        mixinStandardHelpOptions = true,
        description = "The hash-chained audit store: verify chains, export and check a run's audit package.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Package.class})
final class AuditCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the audit store is: GL_AUDIT_DB_URL or GL_POSTGRES_*, and GL_AUDIT_SCHEMA. */
    static final class StoreOptions {
        @Option(names = "--config", paramLabel = "FILE",
                description = "Properties file whose GL_* keys override the environment.")
        Path configFile;

        @Option(names = "--schema", paramLabel = "SCHEMA",
                description = "Schema of the audit store (default: GL_AUDIT_SCHEMA).")
        String schema;

        GlConfig config() {
            return GlConfig.load(System.getenv(), Optional.ofNullable(configFile));
        }

        AuditStore store() {
            GlConfig config = config();
            return new AuditStore(AuditDataSources.fromConfig(config), schema == null ? config.auditSchema() : schema);
        }
    }

    /** {@code gl audit verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute audit hash chains and compare them with the stored hashes and chain heads.",
                    "Exits 1 naming each broken chain and its first bad seq (GL-E-AUDIT-CHAIN-BROKEN)."})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Mixin
        private StoreOptions options;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        private Selection selection;

        @Option(names = "--since", paramLabel = "TIME", converter = TimeArguments.Converter.class,
                description = "Only chains that received events since TIME (ISO-8601 instant, date, or an age "
                        + "such as 24h); each is still verified from its first event.")
        private Instant since;

        static final class Selection {
            @Option(names = "--chain", paramLabel = "CHAIN_ID", description = "One chain, e.g. gl.run.events/<run id>.")
            String chainId;
            @Option(names = "--run", paramLabel = "RUN_ID", description = "Every chain of one run.")
            String runId;
            @Option(names = "--all", description = "Every chain in the store (the default).")
            boolean all;
            @Option(names = "--package", paramLabel = "FILE",
                    description = "An audit package file (from 'gl audit package'), checked offline: no database.")
            Path packageFile;
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (selection != null && selection.packageFile != null) {
                if (since != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--since does not apply to --package");
                }
                List<ChainVerification> results;
                try (InputStream in = Files.newInputStream(selection.packageFile)) {
                    results = AuditPackages.verify(in);
                }
                return report(results, "package " + selection.packageFile, out);
            }
            AuditStore store = options.store();
            List<ChainVerification> results;
            if (selection != null && selection.chainId != null) {
                results = withProgress(out, 1, listener -> store.verifyChains(List.of(selection.chainId), listener));
            } else {
                List<String> chains = null;
                if (selection != null && selection.runId != null) {
                    chains = store.chainsOfKey(selection.runId);
                    if (chains.isEmpty()) {
                        throw new GreenLangException(ErrorCode.DATA_NOT_FOUND,
                                "The audit store has no chain of run " + selection.runId, null,
                                Map.of("run_id", selection.runId));
                    }
                }
                if (since != null) {
                    List<String> recent = store.chainsSince(since);
                    chains = chains == null ? recent : chains.stream().filter(recent::contains).toList();
                }
                if (chains == null) {
                    results = withProgress(out, store.chainCount(), store::verifyAll);
                } else {
                    List<String> selected = chains;
                    results = withProgress(out, selected.size(), listener -> store.verifyChains(selected, listener));
                }
            }
            return report(results, "schema " + store.schema(), out);
        }

        private static List<ChainVerification> withProgress(PrintWriter out, long total,
                                                            Function<AuditStore.VerifyListener,
                                                                    List<ChainVerification>> verification) {
            try (ProgressBar bar = ProgressBar.onConsole(out, "verifying", total, "chains")) {
                return verification.apply((result, done, all) -> bar.update(done, all));
            }
        }

        private static int report(List<ChainVerification> results, String where, PrintWriter out) {
            long events = results.stream().mapToLong(ChainVerification::events).sum();
            List<ChainVerification> broken = new ArrayList<>();
            for (ChainVerification result : results) {
                if (!result.valid()) {
                    broken.add(result);
                    out.printf("BROKEN  %s at seq %d: %s (%s)%n", result.chainId(), result.firstBadSeq(),
                            result.problem(), result.detail());
                }
            }
            if (broken.isEmpty()) {
                out.printf("%,d chain(s), %,d event(s) in %s: every chain intact.%n", results.size(), events, where);
                out.flush();
                return 0;
            }
            out.flush();
            ChainVerification first = broken.get(0);
            throw new GreenLangException(ErrorCode.AUDIT_CHAIN_BROKEN, broken.size() + " of " + results.size()
                    + " chain(s) in " + where + " broken; first: " + first.chainId() + " at seq "
                    + first.firstBadSeq() + " (" + first.problem() + ")", null,
                    Map.of("chain_id", first.chainId(), "seq", first.firstBadSeq()));
        }
    }

    /** {@code gl audit package RUN_ID}. */
    @Command(name = "package", mixinStandardHelpOptions = true,
            description = {"Write a run's audit package: every event of every chain of the run with its hashes and "
                    + "Kafka coordinates, each chain's head hash and chain_valid.",
                    "Check it later, without the database, with 'gl audit verify --package FILE'."})
    static final class Package implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Mixin
        private StoreOptions options;

        @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
        private String runId;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
        private Path output;

        @Override
        public Integer call() throws IOException {
            GlConfig config = options.config();
            String schema = options.schema == null ? config.auditSchema() : options.schema;
            AuditPackage auditPackage = AuditPackages.build(AuditDataSources.fromConfig(config), schema, runId);
            if (output == null) {
                OutputStream stdout = new BufferedOutputStream(System.out);
                AuditPackages.write(auditPackage, stdout);
                stdout.flush();
            } else {
                try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(output))) {
                    AuditPackages.write(auditPackage, file);
                }
                spec.commandLine().getErr().printf("Wrote the audit package of run %s to %s (chain_valid %s).%n",
                        runId, output, auditPackage.chainValid());
            }
            return auditPackage.chainValid() ? 0 : 1;
        }
    }
}
