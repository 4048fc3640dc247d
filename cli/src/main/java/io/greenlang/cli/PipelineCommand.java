package io.greenlang.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.greenlang.common.config.GlConfig;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.PipelineValidationException;
import io.greenlang.pipeline.PlannedStep;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.ValidationProblem;

/**
 * {@code gl pipeline validate FILE} and {@code gl pipeline plan FILE}: check a GLIP v1 document and show the plan a
 * run of it would follow, offline (no cluster, no policy evaluation, nothing is run). Exit code 0 when the document
 * is valid, 1 when it is not or cannot be read; every problem is printed as
 * {@code CODE path (line L, column C): message}, then what to do about the first. Output goes to the command
 * line's writers only.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "GLIP v1 pipeline documents: validate one, or print the DAG plan of a run of it.",
        subcommands = {PipelineCommand.Validate.class, PipelineCommand.Plan.class})
final class PipelineCommand implements Runnable {

    /** Files beyond this are refused before reading; documents are limited to 1 Mi characters anyway. */
    private static final long MAX_FILE_BYTES = 4L << 20;
    /** The tenant of {@code plan} when neither --tenant nor metadata.tenant names one. */
    private static final String DEFAULT_TENANT = "default";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The document file and its parameters, shared by the subcommands. */
    static final class Document {
        @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline document (YAML or JSON).")
        Path file;

        @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
                description = "A parameter value; repeat for several.")
        Map<String, String> parameters = new LinkedHashMap<>();

        /** The file's text, or empty after printing why it cannot be read. */
        Optional<String> read(PrintWriter err) {
            try {
                if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                    return fail(err, file + " is " + Files.size(file) + " bytes; a pipeline document is at most "
                            + "1 MiB");
                }
                return Optional.of(Files.readString(file));
            } catch (NoSuchFileException e) {
                return fail(err, "cannot read " + file + ": no such file");
            } catch (AccessDeniedException e) {
                return fail(err, "cannot read " + file + ": permission denied");
            } catch (CharacterCodingException e) {
                return fail(err, "cannot read " + file + ": it is not UTF-8 text");
            } catch (IOException e) {
                return fail(err, "cannot read " + file + ": " + e.getMessage());
            }
        }

        private static Optional<String> fail(PrintWriter err, String message) {
            err.println("error: " + message);
            err.println("fix: give the path of a GLIP v1 pipeline document (YAML or JSON, UTF-8).");
            err.flush();
            return Optional.empty();
        }
    }

    /** {@code gl pipeline validate}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a pipeline document and its parameters; print every problem with its code, path "
                    + "and position. Exit code 0 when valid, 1 otherwise.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Mixin
        private Document document;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<String> text = document.read(err);
            if (text.isEmpty()) {
                return 1;
            }
            PipelineCompiler compiler = new PipelineCompiler();
            List<ValidationProblem> problems = compiler.validate(text.get(), document.parameters);
            if (!problems.isEmpty()) {
                return printProblems(err, document.file, problems);
            }
            RunPlan plan = compiler.compile(text.get(), document.parameters,
                    compiler.declaredTenant(text.get()).orElse(DEFAULT_TENANT));
            out.printf("%s: valid pipeline '%s': %d step(s) in %d level(s)%n", document.file, plan.pipelineName(),
                    plan.steps().size(), plan.levels().size());
            out.flush();
            return 0;
        }
    }

    /** {@code gl pipeline plan}. */
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Compile a pipeline document with its parameters and print the DAG levels, each step's "
                    + "agent, timeout, retries and resources, and the run's idempotency key.")
    static final class Plan implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Mixin
        private Document document;
        @Option(names = "--tenant", paramLabel = "TENANT",
                description = "The tenant of the run (default: the document's metadata.tenant, else '"
                        + DEFAULT_TENANT + "'); it is part of the run key.")
        private String tenant;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<String> text = document.read(err);
            if (text.isEmpty()) {
                return 1;
            }
            // Step defaults come from the environment, as they would in the orchestrator.
            PipelineCompiler compiler = new PipelineCompiler(GlConfig.load(System.getenv(), Optional.empty()));
            String runTenant = tenant != null ? tenant : compiler.declaredTenant(text.get()).orElse(DEFAULT_TENANT);
            RunPlan plan;
            try {
                plan = compiler.compile(text.get(), document.parameters, runTenant);
            } catch (PipelineValidationException e) {
                return printProblems(err, document.file, e.problems());
            }
            printPlan(out, plan);
            return 0;
        }
    }

    static int printProblems(PrintWriter err, Path file, List<ValidationProblem> problems) {
        err.printf("%s: %d problem(s)%n", file, problems.size());
        problems.forEach(err::println);
        err.println("fix: " + problems.get(0).code().fix());
        err.flush();
        return 1;
    }

    static void printPlan(PrintWriter out, RunPlan plan) {
        out.printf("pipeline %s (namespace %s, tenant %s)%n", plan.pipelineName(), plan.namespace(), plan.tenant());
        if (!plan.parameters().isEmpty()) {
            out.println("parameters: " + new java.util.TreeMap<>(plan.parameters()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.println("run key: " + plan.runKey());
        int width = plan.steps().stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (int level = 0; level < plan.levels().size(); level++) {
            List<String> names = plan.levels().get(level);
            out.printf("level %d: %s%n", level, String.join(", ", names));
            for (String name : names) {
                PlannedStep step = plan.step(name).orElseThrow();
                StringBuilder line = new StringBuilder(String.format("  %-" + width + "s  agent %s, timeout %ds, "
                                + "retries %d, cpu %s, memory %s", step.name(), step.agent(), step.timeoutSeconds(),
                        step.retries(), step.resources().cpu(), step.resources().memory()));
                if (!step.dependsOn().isEmpty()) {
                    line.append(", after ").append(String.join(", ", step.dependsOn()));
                }
                if (step.when() != null) {
                    line.append(", when ").append(step.when());
                }
                out.println(line);
            }
        }
        out.println("outputs: " + String.join(", ", plan.outputs()));
        out.flush();
    }
}
