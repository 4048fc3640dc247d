package io.greenlang.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.bench.executor.ExecutorBenchmark;
import io.greenlang.localstack.LocalStack;

/** {@code gl bench executor}. */
@Command(name = "executor", mixinStandardHelpOptions = true,
        description = "Step throughput of the executor worker with the local-process executor and a no-op agent, "
                + "next to direct launches of the same agent in the same run.")
final class ExecutorCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "60", description = "Steps to run (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--parallel", defaultValue = "2",
            description = "GL_MAX_PARALLEL_STEPS of the worker and parallelism of the baseline (default: "
                    + "${DEFAULT-VALUE}, one per core here).")
    private int parallel;

    @Option(names = "--agent-jar", defaultValue = "agents/target/greenlang-agents.jar",
            description = "The runnable agents jar (built by the agents module); the worker and the baseline both "
                    + "run `java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar JAR GL-TEST-NOOP` "
                    + "(default: ${DEFAULT-VALUE}).")
    private Path agentJar;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(agentJar)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no agents jar at " + agentJar
                    + "; build it with ./mvnw -pl agents -am package -DskipTests, or give --agent-jar");
        }
        List<String> agentCommand = List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", agentJar.toAbsolutePath().toString());
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("gl-bench-");
        err.println("starting a scratch local stack under " + dir + " ...");
        err.flush();
        ExecutorBenchmark.Result result;
        try (LocalStack stack = LocalStack.builder(dir).deleteDataOnClose(true).build().start()) {
            result = new ExecutorBenchmark(stack).run(new ExecutorBenchmark.Settings(steps, parallel, agentCommand,
                    Duration.ofMinutes(10)), message -> {
                        err.println("  " + message);
                        err.flush();
                    });
        }
        Map<String, Object> json = result.toMap();
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(json));
        spec.commandLine().getOut().flush();
        err.println(result.summary());
        err.flush();
        return 0;
    }
}
