package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * {@code gl topics} against the real embedded broker. This is the only test class of the cli module that
 * touches the standard (unprefixed) topic names on the JVM's shared broker.
 */
@GreenLangIntegrationTest
class TopicsCommandIT {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result gl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Gl.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int rc = cli.execute(args);
        return new Result(rc, out.toString(), err.toString());
    }

    @Test
    void shouldPrintNoDifferenceAfterApplyAndBeANoOpTheSecondTime(TestInfra infra) {
        String servers = infra.bootstrapServers();

        Result before = gl("topics", "diff", "-b", servers);
        Result apply = gl("topics", "apply", "-b", servers);
        Result after = gl("topics", "diff", "-b", servers);
        Result again = gl("topics", "apply", "-b", servers);

        assertThat(before.exitCode()).as(before.err()).isEqualTo(2);
        assertThat(before.out()).contains("gl.run.requests: missing");
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("18 change(s) applied");
        assertThat(after.exitCode()).as(after.out()).isZero();
        assertThat(after.out()).contains("No difference");
        assertThat(again.out()).contains("No change");
        Result describe = gl("topics", "describe", "-b", servers);
        assertThat(describe.out()).contains("gl.dlq").doesNotContain(" no ");
    }
}
