package io.greenlang.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.greenlang.audit.AuditDataSources;
import io.greenlang.audit.AuditPackage;
import io.greenlang.audit.AuditPackages;
import io.greenlang.audit.AuditReplay;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.ChainVerification;
import io.greenlang.audit.ReplayOptions;
import io.greenlang.audit.ReplayReport;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.topics.TopicCatalog;

/**
 * The audit part of {@code gl demo}, after the sample run ended: waits until the audit sink chained every event
 * of the run, verifies the run's chains and prints their head hashes, writes the run's audit package and checks it
 * offline, then rebuilds every chain from the topics into {@value #REPLAY_SCHEMA} ({@code gl replay --into
 * audit_replay}) and compares it with the live store.
 */
final class AuditDemo {

    static final String REPLAY_SCHEMA = "audit_replay";
    private static final Duration CATCH_UP_DEADLINE = Duration.ofSeconds(60);

    private AuditDemo() {
    }

    /**
     * Runs the audit checks of one finished run.
     *
     * @return true if the run's chains verified, the package checked offline and every replayed chain was equal
     */
    static boolean run(GlConfig config, AuditStore sinkView, ApiClient api, String runId, Path dataDirectory,
                       PrintWriter out) throws InterruptedException {
        TopicCatalog catalog = TopicCatalog.standard();
        DataSource admin = AuditDataSources.fromConfig(config);
        AuditStore store = new AuditStore(admin, sinkView.schema());

        long t0 = System.nanoTime();
        LocalPlatform.step(out, "Waiting for the audit sink to chain the run's events ...");
        Map<String, Long> expected = eventsPerChain(config, catalog, runId);
        awaitChained(store, expected);
        LocalPlatform.done(out, t0);

        List<ChainVerification> verified = store.verifyChains(expected.keySet(), AuditStore.VerifyListener.NONE);
        AuditPackage auditPackage = AuditPackages.build(admin, store.schema(), runId);
        out.println();
        out.println("Audit chains of run " + runId + " (schema " + store.schema() + "):");
        out.printf("  %-62s %6s  %-8s %s%n", "CHAIN", "EVENTS", "VALID", "HEAD HASH");
        for (AuditPackage.Chain chain : auditPackage.chains()) {
            out.printf("  %-62s %6d  %-8s %s%n", chain.chainId(), chain.events().size(), chain.chainValid(),
                    chain.headHash());
        }
        boolean chainsValid = verified.stream().allMatch(ChainVerification::valid) && auditPackage.chainValid();
        String runChain = AuditStore.chainIdFor(catalog.runEvents().name(), runId);
        auditPackage.chains().stream().filter(chain -> chain.chainId().equals(runChain)).findFirst()
                .ifPresent(chain -> out.println("Head hash of the run's chain " + runChain + ": " + chain.headHash()));
        out.println(chainsValid ? "gl audit verify --run " + runId + ": every chain intact."
                : "gl audit verify --run " + runId + ": BROKEN, see above.");

        Path packageFile = dataDirectory.resolve("audit-package-" + runId + ".json");
        boolean packageValid = writeAndCheck(auditPackage, packageFile, out) && servedValid(api, runId, out);

        out.println();
        long t1 = System.nanoTime();
        LocalPlatform.step(out, "gl replay --from earliest --into " + REPLAY_SCHEMA + " --reset: rebuilding every "
                + "audit chain from the topics and comparing it with the live store ...");
        ReplayReport report;
        try (ProgressBar bar = ProgressBar.onConsole(out, "  replaying", 0, "events")) {
            report = new AuditReplay(catalog, admin, new KafkaClients(config).consumerProperties("gl-demo-replay"))
                    .run(ReplayOptions.of(config.auditTopics(), store.schema(), REPLAY_SCHEMA).withReset(true),
                            bar::update);
            bar.update(report.eventsReplayed(), report.eventsReplayed()); // the total counted offsets, not records
        }
        ReplayCommand.printReport(report, out);
        LocalPlatform.done(out, t1);
        return chainsValid && packageValid && report.allEqual() && report.count(ReplayReport.Status.EQUAL) > 0;
    }

    private static boolean writeAndCheck(AuditPackage auditPackage, Path file, PrintWriter out) {
        try {
            try (OutputStream stream = Files.newOutputStream(file)) {
                AuditPackages.write(auditPackage, stream);
            }
            List<ChainVerification> offline;
            try (InputStream stream = Files.newInputStream(file)) {
                offline = AuditPackages.verify(stream);
            }
            boolean valid = offline.stream().allMatch(ChainVerification::valid);
            out.printf("Audit package written to %s (%,d bytes); gl audit verify --package: %s%n", file,
                    Files.size(file), valid ? "every chain intact (checked offline)" : "BROKEN");
            return valid;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit package " + file, e);
        }
    }

    /** Asks the REST API for the run's audit package, as the runbook does with curl, and prints its chain_valid. */
    private static boolean servedValid(ApiClient api, String runId, PrintWriter out) throws InterruptedException {
        String path = "/api/v1/runs/" + runId + "/audit-package";
        ApiClient.Answer answer = api.get(path);
        JsonNode chainValid = answer.ok() ? answer.body().get("chain_valid") : null;
        out.println(api.curl(path) + " | jq .chain_valid  ->  "
                + (chainValid == null ? answer.problem() : chainValid.toString()));
        return chainValid != null && chainValid.asBoolean();
    }

    /** How many events each chain of the run has on the topics (read_committed), by chain id. */
    private static Map<String, Long> eventsPerChain(GlConfig config, TopicCatalog catalog, String runId) {
        Set<String> runTopics = Set.of(catalog.runEvents().name(), catalog.stepEvents().name(),
                catalog.policyDecisions().name());
        Map<String, Object> props = new HashMap<>(new KafkaClients(config).consumerProperties("gl-demo-audit"));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        byte[] key = runId.getBytes(StandardCharsets.UTF_8);
        Map<String, Long> counts = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : runTopics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(record.key(), key)) {
                        counts.merge(AuditStore.chainIdFor(record.topic(), runId), 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static void awaitChained(AuditStore store, Map<String, Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP_DEADLINE.toNanos();
        while (true) {
            List<ChainVerification> now = store.verifyChains(expected.keySet(), AuditStore.VerifyListener.NONE);
            if (now.stream().allMatch(chain -> chain.events() >= expected.get(chain.chainId()))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the audit sink did not chain the run's events within "
                        + CATCH_UP_DEADLINE.toSeconds() + " s: expected " + expected + ", stored " + now);
            }
            Thread.sleep(200);
        }
    }
}
