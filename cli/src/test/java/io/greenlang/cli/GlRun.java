package io.greenlang.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/**
 * One run of the real {@code gl} command line (its error handling included) with its output captured.
 *
 * @param exitCode what {@code gl} would exit with
 * @param out      what it printed on stdout
 * @param err      what it printed on stderr
 */
record GlRun(int exitCode, String out, String err) {

    /** Runs {@code gl args...} in this JVM. */
    static GlRun gl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Gl.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new GlRun(exitCode, out.toString(), err.toString());
    }
}
