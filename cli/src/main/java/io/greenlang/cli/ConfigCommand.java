package io.greenlang.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.common.config.GlConfig;

/** {@code gl config}: the configuration reference and the effective configuration. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The platform's configuration keys (GL_* environment variables).",
        subcommands = {ConfigCommand.Docs.class, ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code gl config docs}. */
    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Write the configuration reference (Markdown) generated from the declarations.")
    static final class Docs implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "docs/config.md",
                description = "Where to write it (default: ${DEFAULT-VALUE}; '-' for standard output).")
        private Path output;

        @Override
        public Integer call() throws IOException {
            return DocsCommand.write(spec, output, GlConfig.toMarkdown());
        }
    }

    /** {@code gl config check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load the configuration from the environment (and --config FILE) and report the first "
                    + "bad value, as a service would at start-up.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", paramLabel = "FILE",
                description = "Properties file whose GL_* keys override the environment.")
        private Path configFile;

        @Override
        public Integer call() {
            GlConfig.load(System.getenv(), java.util.Optional.ofNullable(configFile));
            spec.commandLine().getOut().println("Configuration is valid.");
            return 0;
        }
    }
}
