package io.greenlang.agents;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.LoggerFactory;

import io.greenlang.agents.sdk.AgentEnvironment;
import io.greenlang.agents.sdk.AgentProgram;

/**
 * The agents process: {@code java -cp <classpath> io.greenlang.agents.AgentMain <AGENT-ID>} or
 * {@code java -jar greenlang-agents.jar <AGENT-ID>}, with {@code GL_INPUT_URI}, {@code GL_OUTPUT_URI} and
 * {@code GL_S3_*} in the environment. The agent id is the last argument (the local executor appends it), else
 * {@code GL_AGENT_ID}. The exit code is the agent's ({@link AgentProgram}); {@value AgentProgram#EXIT_USAGE} for an
 * unknown id, with the known ids on standard error.
 *
 * <p>{@code --list} prints the ids, one per line; {@code --help} prints usage and the agents. Logs go to standard
 * error at {@code GL_LOG_LEVEL} (default INFO), unless a Log4j configuration is given with
 * {@code -Dlog4j2.configurationFile}.
 */
public final class AgentMain {

    /** The agents' own Log4j configuration (a resource), so a class path that has another log4j2.xml is not used. */
    static final String LOG_CONFIGURATION = "io/greenlang/agents/log4j2-agents.xml";

    private AgentMain() {
    }

    /** Runs the agent named on the command line and exits with its code. */
    public static void main(String[] args) {
        Map<String, String> environment = System.getenv();
        configureLogging(environment);
        int code;
        try {
            code = run(args, environment, AgentCatalog.builtIn(), System.out, System.err);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(AgentMain.class).error("The agent process failed", e);
            code = AgentProgram.EXIT_CRASH;
        }
        System.exit(code);
    }

    /**
     * Parses the command line and runs the agent; returns the exit code. Prints only usage, {@code --list} and
     * errors about the command line itself; the agent logs.
     */
    static int run(String[] args, Map<String, String> environment, AgentCatalog catalog, PrintStream out,
                   PrintStream err) {
        List<String> ids = new ArrayList<>();
        for (String arg : args) {
            switch (arg) {
                case "--list" -> {
                    catalog.ids().forEach(out::println);
                    return 0;
                }
                case "--help", "-h" -> {
                    usage(out, catalog);
                    return 0;
                }
                default -> {
                    if (arg.startsWith("-")) {
                        err.println("error: unknown option " + arg);
                        usage(err, catalog);
                        return AgentProgram.EXIT_USAGE;
                    }
                    ids.add(arg);
                }
            }
        }
        if (ids.stream().distinct().count() > 1) {
            err.println("error: more than one agent id given: " + ids);
            return AgentProgram.EXIT_USAGE;
        }
        String id = ids.isEmpty() ? environment.get(AgentEnvironment.AGENT_ID) : ids.get(0);
        if (id == null || id.isBlank()) {
            err.println("error: no agent id: give it as the last argument or in " + AgentEnvironment.AGENT_ID);
            usage(err, catalog);
            return AgentProgram.EXIT_USAGE;
        }
        Optional<AgentProgram> program = catalog.find(id.strip());
        if (program.isEmpty()) {
            err.println("error: unknown agent '" + id + "'; known agents: " + String.join(", ", catalog.ids()));
            return AgentProgram.EXIT_USAGE;
        }
        return program.get().run(environment);
    }

    private static void usage(PrintStream out, AgentCatalog catalog) {
        out.println("usage: AgentMain [--list | --help] <AGENT-ID>");
        out.println("  environment: " + AgentEnvironment.INPUT_URI + " (s3:// URI of input.json), "
                + AgentEnvironment.OUTPUT_URI + " (s3:// attempt folder), GL_S3_* (bucket access)");
        out.println("  exit codes: 0 result.json written, 1 crashed, 2 launched wrongly");
        out.println("agents:");
        catalog.programs().forEach(p -> out.printf(Locale.ROOT, "  %-22s %s%n", p.id(), p.description()));
    }

    /** Points Log4j at the agents' configuration and maps GL_LOG_LEVEL; must run before the first logger. */
    static void configureLogging(Map<String, String> environment) {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIGURATION);
        }
        System.setProperty("gl.log.level", log4jLevel(environment.get("GL_LOG_LEVEL")));
    }

    /** The Log4j level for a GL_LOG_LEVEL value (DEBUG, INFO, WARNING, ERROR); INFO when unset or unknown. */
    static String log4jLevel(String glLogLevel) {
        if (glLogLevel == null) {
            return "INFO";
        }
        String level = glLogLevel.strip().toUpperCase(Locale.ROOT);
        return switch (level) {
            case "WARNING", "WARN" -> "WARN";
            case "DEBUG", "INFO", "ERROR", "TRACE" -> level;
            default -> "INFO";
        };
    }
}
