package io.greenlang.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import io.greenlang.common.config.GlConfigException;
import io.greenlang.common.error.GreenLangException;

/**
 * The {@code gl} command: local platform, topics, configuration and error references. Every subcommand
 * prints what it does; a failure prints its GL-E code and what to do next, and exits non-zero.
 */
@Command(name = "gl",
        mixinStandardHelpOptions = true,
        versionProvider = Gl.Version.class,
        description = "GreenLang event platform: run it locally, manage its topics, look up its configuration "
                + "and error codes.",
        subcommands = {
                LocalCommand.class,
                DemoCommand.class,
                TopicsCommand.class,
                PipelineCommand.class,
                PolicyCommand.class,
                AuditCommand.class,
                ReplayCommand.class,
                LagCommand.class,
                ScadaCommand.class,
                ConfigCommand.class,
                ErrorsCommand.class,
                DocsCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Gl implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        System.setProperty("gl.log.level", log4jLevel(System.getenv("GL_LOG_LEVEL")));
        // Route java.util.logging (the PostgreSQL driver's) to the one logging backend; must precede any JUL use.
        System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
        System.exit(newCommandLine().execute(args));
    }

    /** Maps the runbook's GL_LOG_LEVEL values (DEBUG, INFO, WARNING, ERROR) to Log4j level names. */
    static String log4jLevel(String glLogLevel) {
        if (glLogLevel == null || glLogLevel.isBlank()) {
            return "WARN";
        }
        String level = glLogLevel.trim().toUpperCase(java.util.Locale.ROOT);
        return switch (level) {
            case "WARNING" -> "WARN";
            case "DEBUG", "INFO", "ERROR", "TRACE" -> level;
            default -> "WARN";
        };
    }

    /** The command line with its error handling, for {@link #main} and tests. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Gl());
        cli.setExecutionExceptionHandler(Gl::handleFailure);
        return cli;
    }

    private static int handleFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof GreenLangException gle) {
            err.println(cli.getColorScheme().errorText("error: " + gle.getMessage()));
            err.println("fix: " + gle.errorCode().fix());
        } else if (e instanceof GlConfigException) {
            err.println(cli.getColorScheme().errorText("error: " + e.getMessage()));
            err.println("fix: set each key named above to an allowed value (reference: docs/config.md, "
                    + "or 'gl config docs --output -').");
        } else {
            err.println(cli.getColorScheme().errorText("error: " + e.getMessage()));
            err.println("fix: see the message above; run with GL_LOG_LEVEL=DEBUG for details.");
        }
        err.flush();
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version, from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gl.class.getPackage().getImplementationVersion();
            return new String[] {"gl " + (v == null ? "(development build)" : v)};
        }
    }
}
