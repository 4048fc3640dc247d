package io.greenlang.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunEvent;
import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.json.CanonicalJson;
import io.greenlang.localstack.LocalStack;
import io.greenlang.pipeline.policy.PolicyEngine;
import io.greenlang.pipeline.policy.PolicyRuleSet;
import io.greenlang.pipeline.policy.YamlPolicyEngine;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * The run part of {@code gl demo}: starts the run orchestrator and the executor worker (local-process executor)
 * on the local stack with the API gateway, submits the sample pipeline through {@code POST /api/v1/runs}, prints every
 * policy decision and run/step transition as it appears on the topics until the run ends, then the S3 keys the
 * run wrote and the last step's {@code result.json}.
 *
 * <p>Each step runs a reference agent ({@code io.greenlang.agents.AgentMain}) as a child process of this JVM, with
 * this JVM's class path: the same worker, executor and agents a deployment runs.
 */
final class RunDemo {

    static final String PIPELINE_RESOURCE = "/demo/plant-emissions.yaml";
    static final String PIPELINE_NAME = "plant-emissions";
    static final String LAST_STEP = "efficiency";
    static final String TENANT = "demo-tenant";

    private static final String RULES = """
            name: demo-policies
            version: "1"
            rules:
              - name: allow-demo-namespace
                condition: namespace == 'demo'
                action: allow
                message: Runs in the demo namespace are allowed
                applies_to: pre_run
              - name: allow-platform-agents
                condition: agent.startsWith('GL-')
                action: allow
                message: Steps run by GreenLang platform agents are allowed
                applies_to: pre_step
              - name: warn-large-memory
                condition: resources.memory_bytes > 4294967296
                action: warn
                message: Steps above 4 GiB of memory need a capacity review
                applies_to: pre_step
            """;

    private static final Duration RUN_DEADLINE = Duration.ofSeconds(90);

    private RunDemo() {
    }

    /** Runs the sample pipeline end to end; returns whether it SUCCEEDED. */
    static boolean run(LocalStack stack, Path dataDirectory, PrintWriter out) throws InterruptedException {
        String bootstrapServers = stack.kafkaBootstrapServers();
        Map<String, String> env = new HashMap<>(LocalServices.stackEnvironment(stack, dataDirectory));
        env.put(GlConfig.SERVICE_NAME, "gl-demo");
        env.put(GlConfig.ENVIRONMENT, "development");
        env.put(GlConfig.STEP_HEARTBEAT_SECONDS, "2");
        GlConfig config = GlConfig.load(env, Optional.empty());
        TopicCatalog catalog = TopicCatalog.standard();
        PolicyEngine policy = new YamlPolicyEngine(PolicyRuleSet.parse(RULES, "demo rules"), PolicyAction.DENY, true);
        String pipeline = resource(PIPELINE_RESOURCE);

        try (KafkaConsumer<byte[], byte[]> watcher = watcher(bootstrapServers, catalog);
             LocalServices services = LocalServices.start(config, policy, dataDirectory, 0, 0, out)) {
            ApiClient api = new ApiClient(services.apiUrl(), services.adminKey());
            out.println("API gateway " + services.apiUrl() + ", bootstrap admin API key (local, every tenant, also in "
                    + dataDirectory.resolve(LocalServices.ADMIN_KEY_FILE) + "):");
            out.println("  X-API-Key: " + services.adminKey());
            Optional<String> submitted = submit(api, pipeline, out);
            if (submitted.isEmpty()) {
                return false;
            }
            String runId = submitted.get();
            boolean succeeded = follow(watcher, catalog, runId, out);
            succeeded &= printRun(api, runId, out);
            printArtifacts(services.store(), config.s3Bucket(), runId, out);
            boolean audited = AuditDemo.run(config, services.auditStore(), api, runId, dataDirectory, out);
            if (!audited) {
                out.println("The run's audit trail did not verify; see above.");
            }
            printLag(bootstrapServers, out);
            return succeeded && audited;
        }
    }

    /** {@code gl lag} over the platform's consumer groups, while they still run. */
    private static void printLag(String bootstrapServers, PrintWriter out) {
        out.println();
        out.println("gl lag -b " + bootstrapServers + "   (consumer groups of the platform, worst first)");
        out.flush();
        Gl.newCommandLine().setOut(out).setErr(out).execute("lag", "-b", bootstrapServers);
        out.flush();
    }

    /** The S3 keys the run wrote, and the last step's result.json. */
    private static void printArtifacts(ArtifactStore store, String bucket, String runId, PrintWriter out) {
        S3Location runFolder = new S3Location(bucket, TENANT + "/runs/" + runId + "/");
        out.println();
        out.println("S3 keys written by the run, under " + runFolder + ":");
        for (ArtifactStore.StoredObject object : store.list(runFolder)) {
            out.printf("  %-44s %,8d B%n", object.location().key().substring(runFolder.key().length()),
                    object.size());
        }
        store.list(runFolder).stream()
                .map(o -> o.location().key())
                .filter(key -> key.contains("/steps/" + LAST_STEP + ".") && key.endsWith("/" + ArtifactLayout.RESULT_FILE))
                .reduce((first, second) -> second)
                .ifPresent(key -> {
                    out.println();
                    out.println("result.json of step '" + LAST_STEP + "' (" + new S3Location(bucket, key) + "):");
                    out.println(CanonicalJson.parse(new String(store.get(new S3Location(bucket, key)),
                            StandardCharsets.UTF_8)).toPrettyString());
                });
        out.flush();
    }

    private static KafkaConsumer<byte[], byte[]> watcher(String bootstrapServers, TopicCatalog catalog) {
        return watcher(bootstrapServers, List.of(catalog.runEvents(), catalog.policyDecisions()), true);
    }

    /**
     * A read_committed consumer assigned every partition of {@code topics}, positioned at their ends (only what is
     * written from now on) or at their beginnings.
     */
    static KafkaConsumer<byte[], byte[]> watcher(String bootstrapServers, List<Topic<?, ?>> topics, boolean fromEnd) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        consumer.assign(partitions);
        if (fromEnd) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
        partitions.forEach(consumer::position); // fix the starting point now
        return consumer;
    }

    /**
     * Submits the pipeline through {@code POST /api/v1/runs} with an Idempotency-Key, as a client would; the gateway
     * writes the run and its outbox row in one transaction and Debezium publishes RunRequested.
     */
    private static Optional<String> submit(ApiClient api, String pipeline, PrintWriter out)
            throws InterruptedException {
        String idempotencyKey = "demo-" + UUID.randomUUID();
        LocalPlatform.step(out, "Submitting pipeline '" + PIPELINE_NAME + "' (load -> emissions -> efficiency, "
                + "reference agents) through POST /api/v1/runs (Idempotency-Key " + idempotencyKey + ") ...");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipeline", pipeline);
        body.put("tenant", TENANT);
        body.put("parameters", Map.of("year", "2025"));
        body.put("labels", Map.of("team", "process-heat"));
        ApiClient.Answer answer = api.post("/api/v1/runs", body, Map.of("Idempotency-Key", idempotencyKey));
        if (!answer.ok()) {
            out.println("The API refused the run: " + answer.problem());
            return Optional.empty();
        }
        String runId = answer.body().get("run_id").asText();
        out.println("  HTTP " + answer.status() + ": run " + runId + " " + answer.body().path("status").asText()
                + " (RunRequested goes to gl.run.requests through the outbox)");
        return Optional.of(runId);
    }

    /** Reads the finished run back through {@code GET /api/v1/runs/{id}}, as an operator would. */
    private static boolean printRun(ApiClient api, String runId, PrintWriter out) throws InterruptedException {
        String path = "/api/v1/runs/" + runId;
        ApiClient.Answer answer = api.get(path);
        out.println();
        out.println(api.curl(path) + " | jq '{status, steps: [.steps[] | {step, status}]}'");
        if (!answer.ok()) {
            out.println("  " + answer.problem());
            return false;
        }
        out.println("  status " + answer.body().path("status").asText() + ", steps "
                + (answer.body().path("steps").isArray() ? stepsOf(answer.body().get("steps")) : "[]"));
        return true;
    }

    private static String stepsOf(JsonNode steps) {
        List<String> result = new ArrayList<>();
        steps.forEach(step -> result.add(step.path("step").asText() + " " + step.path("status").asText()));
        return result.toString();
    }

    /** Prints the run's decisions and transitions until the run ends; returns whether it SUCCEEDED. */
    private static boolean follow(KafkaConsumer<byte[], byte[]> watcher, TopicCatalog catalog, String runId,
                                  PrintWriter out) {
        long start = System.nanoTime();
        long deadline = start + RUN_DEADLINE.toNanos();
        Topic<String, RunEvent> events = catalog.runEvents();
        Topic<String, PolicyDecision> decisions = catalog.policyDecisions();
        out.println();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : watcher.poll(Duration.ofMillis(100))) {
                String at = String.format("  %+6.2f s  ", (System.nanoTime() - start) / 1e9);
                if (record.topic().equals(decisions.name())) {
                    PolicyDecision d = decisions.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    if (d.getRunId().equals(runId)) {
                        out.println(at + "policy  " + d.getStage() + (d.getStep() == null ? "" : " " + d.getStep())
                                + ": " + d.getAction() + " " + d.getRulesFired()
                                + (d.getMessage() == null ? "" : " - " + d.getMessage()));
                    }
                    continue;
                }
                RunEvent e = events.valueSerde().deserializer().deserialize(record.topic(), record.value());
                if (!e.getRunId().equals(runId)) {
                    continue;
                }
                String subject = e.getStep() == null ? "run" : "step " + e.getStep() + " #" + e.getAttempt();
                out.println(at + String.format("%-22s %s -> %s", subject, e.getFromStatus(), e.getToStatus())
                        + (e.getErrorCode() == null ? "" : "  " + e.getErrorCode())
                        + (e.getMessage() == null ? "" : "  (" + e.getMessage() + ")"));
                out.flush();
                if (e.getStep() == null && isFinal(e.getToStatus())) {
                    out.println();
                    out.println("Run " + runId + " " + e.getToStatus() + ".");
                    return "SUCCEEDED".equals(e.getToStatus());
                }
            }
        }
        out.println("The run did not finish within " + RUN_DEADLINE.toSeconds() + " s.");
        return false;
    }

    private static boolean isFinal(String status) {
        return "SUCCEEDED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status);
    }

    private static String resource(String name) {
        try (InputStream in = RunDemo.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
