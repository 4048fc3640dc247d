package io.greenlang.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import io.greenlang.common.error.ErrorCode;

/** {@code gl errors}: the GL-E-* error catalogue. */
@Command(name = "errors", mixinStandardHelpOptions = true,
        description = "The GL-E-* error codes: list them, or explain one.",
        subcommands = {ErrorsCommand.ListCodes.class, ErrorsCommand.Explain.class})
final class ErrorsCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code gl errors list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every error code.")
    static final class ListCodes implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-28s %-15s %-12s %4s %s%n", "CODE", "CLASS", "RETRY", "HTTP", "DESCRIPTION");
            for (ErrorCode code : ErrorCode.values()) {
                out.printf("%-28s %-15s %-12s %4d %s%n", code.code(), code.errorClass(), code.retryPolicy(),
                        code.httpStatus(), code.description());
            }
            return 0;
        }
    }

    /** {@code gl errors explain CODE}. */
    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Explain one error code: class, retry policy, HTTP status and fix.")
    static final class Explain implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "CODE", description = "An error code, e.g. GL-E-K8S-JOB-OOM.")
        private String code;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(ErrorCode.fromCode(code).explain());
            return 0;
        }
    }
}
