package io.greenlang.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.localstack.LocalStack;
import io.greenlang.pipeline.policy.PolicyEngines;
import io.greenlang.scada.sim.PlantModel;
import io.greenlang.topics.TopicCatalog;

/** {@code gl local}: the platform on embedded real servers on this machine. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run the platform on embedded real servers (Kafka, PostgreSQL, S3) on this machine.",
        subcommands = {LocalCommand.Up.class})
final class LocalCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code gl local up}. */
    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {
                    "Start Kafka (KRaft), PostgreSQL 17 and an S3 server in this JVM, apply the topic catalog, create "
                            + "the bucket and the database, start the run orchestrator and the executor worker "
                            + "(local processes), print the endpoints, and run until Ctrl-C.",
                    "GL_* settings in the environment apply (GL_POLICY_*, GL_YAML_RULES_*, GL_MAX_PARALLEL_STEPS, "
                            + "...); unless set there, policy allows every run (no rules) and the environment is "
                            + "development.",
                    "Ports default to the ones used last time with the same data directory (free ones the first "
                            + "time), so URLs stay stable across restarts."})
    static final class Up implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".gl-data",
                description = "Where all data lives (default: ${DEFAULT-VALUE}). A restart on the same directory "
                        + "keeps topics, rows and objects.")
        private Path dataDirectory;

        @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
                description = "Kafka listener port (0: last used, else free).")
        private int kafkaPort;

        @Option(names = "--postgres-port", paramLabel = "PORT", defaultValue = "0",
                description = "PostgreSQL port (0: last used, else free).")
        private int postgresPort;

        @Option(names = "--s3-port", paramLabel = "PORT", defaultValue = "0",
                description = "S3 API port (0: last used, else free).")
        private int s3Port;

        @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "8080",
                description = "Port of the REST API and its /health endpoints (default: ${DEFAULT-VALUE}, the "
                        + "runbook's; 0: a free one).")
        private int apiPort;

        @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9090",
                description = "Port of the gateway's Prometheus /metrics (default: ${DEFAULT-VALUE}, the runbook's; 0: "
                        + "a free one).")
        private int metricsPort;

        @Option(names = "--plants", paramLabel = "N", defaultValue = "3",
                description = "Simulated plants served over OPC UA and bridged to Kafka, with 99 heartbeating "
                        + "sub-agents spread over them (default: ${DEFAULT-VALUE}; 0: no process-heat side).")
        private int plants;

        @Option(names = "--boilers", paramLabel = "M", defaultValue = "4",
                description = "Boilers per simulated plant (default: ${DEFAULT-VALUE}).")
        private int boilers;

        @Option(names = "--write-back",
                description = "Close the loop on the simulated plants: their tag maps enable write-back, a setpoint "
                        + "writer per plant writes each dispatch plan's setpoints to the simulator within the tags' "
                        + "limits (every write or refusal on gl.scada.setpoint-writes, audited), and unless "
                        + "GL_DISPATCH_CLOSED_LOOP_PLANTS is set, every simulated plant's plans are non-advisory. "
                        + "Off by default: plans are advisory.")
        private boolean writeBack;

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            if (plants < 0 || boilers < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--plants must be 0 or more and --boilers 1 or more");
            }
            LocalStack.Builder builder = LocalStack.builder(dataDirectory)
                    .kafkaPort(kafkaPort).postgresPort(postgresPort).s3Port(s3Port);
            LocalPlatform platform = LocalPlatform.start(builder, dataDirectory, out);
            LocalServices services;
            ProcessHeat heat = null;
            try {
                GlConfig config = GlConfig.load(environment(System.getenv(), platform), Optional.empty());
                services = LocalServices.start(config, PolicyEngines.fromConfig(config), dataDirectory, apiPort,
                        metricsPort, out);
                try {
                    heat = plants == 0 ? null
                            : ProcessHeat.start(config, TopicCatalog.standard(), plants, boilers, dataDirectory,
                                    services.meters(), writeBack, out);
                } catch (RuntimeException | InterruptedException e) {
                    services.close();
                    throw e;
                }
            } catch (RuntimeException | InterruptedException e) {
                platform.close();
                throw e;
            }
            ProcessHeat processHeat = heat;
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (processHeat != null) {
                        processHeat.close();
                    }
                    services.close();
                    platform.close();
                } finally {
                    stopped.countDown();
                }
            }, "gl-local-shutdown"));
            out.println();
            out.println("GreenLang local platform is ready: run orchestrator, executor worker, audit sink and API "
                    + "gateway running" + (processHeat == null ? "." : "; " + plants + " simulated plants bridged "
                    + "from OPC UA " + processHeat.simulator().endpointUrl() + ", plant state, dispatch planner and "
                    + "agent health running."));
            platform.printEndpoints();
            out.println("REST API " + services.apiUrl() + "/api/v1/runs  (OpenAPI: " + services.apiUrl()
                    + "/api/v1/openapi.json, readiness: " + services.apiUrl() + "/health/ready)");
            out.println("Metrics  " + services.metricsUrl());
            out.println("Admin API key (every tenant, every role; also in "
                    + dataDirectory.resolve(LocalServices.ADMIN_KEY_FILE) + "):");
            out.println("  export GL_API_KEY=" + services.adminKey());
            out.println("  curl -s -H \"X-API-Key: $GL_API_KEY\" " + services.apiUrl() + "/api/v1/runs");
            if (processHeat != null) {
                out.println("  curl -s -H \"X-API-Key: $GL_API_KEY\" " + services.apiUrl() + "/api/v1/plants/status");
                out.println("  ./gl scada browse " + processHeat.simulator().endpointUrl());
            }
            Path settings = writeClientSettings(platform);
            out.println("Settings for other gl commands: --config " + settings + "  (e.g. ./gl audit verify --config "
                    + settings + ")");
            out.println("Press Ctrl-C to stop.");
            out.flush();
            stopped.await();
            return 0;
        }

        /**
         * Writes the stack's GL_* client settings (Kafka, PostgreSQL, S3: local development credentials only) to
         * {@code gl.properties} in the data directory, for {@code --config} of the other commands.
         */
        private Path writeClientSettings(LocalPlatform platform) {
            Properties properties = new Properties();
            properties.putAll(LocalServices.stackEnvironment(platform.stack(), dataDirectory));
            Path file = dataDirectory.resolve("gl.properties");
            try (Writer writer = Files.newBufferedWriter(file)) {
                properties.store(writer, "GL_* settings of the local platform started by 'gl local up'");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
            return file;
        }

        /** The user's GL_* settings, local defaults where they set nothing, and the stack's endpoints over both. */
        private Map<String, String> environment(Map<String, String> userEnvironment, LocalPlatform platform) {
            Map<String, String> env = new HashMap<>();
            userEnvironment.forEach((key, value) -> {
                if (key.startsWith(GlConfig.PREFIX)) {
                    env.put(key, value);
                }
            });
            env.putIfAbsent(GlConfig.SERVICE_NAME, "gl-local");
            env.putIfAbsent(GlConfig.ENVIRONMENT, "development");
            env.putIfAbsent(GlConfig.YAML_RULES_ENABLED, "false");
            env.putIfAbsent(GlConfig.POLICY_DEFAULT_ACTION, PolicyAction.ALLOW.configValue());
            if (writeBack) {
                env.putIfAbsent(GlConfig.DISPATCH_CLOSED_LOOP_PLANTS, IntStream.rangeClosed(1, plants)
                        .mapToObj(PlantModel::plantId).collect(Collectors.joining(",")));
            }
            env.putAll(LocalServices.stackEnvironment(platform.stack(), dataDirectory));
            return env;
        }
    }
}
