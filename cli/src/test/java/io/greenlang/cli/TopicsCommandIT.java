package io.greenlang.cli;

import static io.greenlang.cli.GlRun.gl;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicCatalog;

/**
 * {@code gl topics} against the real embedded broker. This is the only test class of the cli module that
 * touches the standard (unprefixed) topic names on the JVM's shared broker.
 */
@GreenLangIntegrationTest
class TopicsCommandIT {



    @Test
    void shouldPrintNoDifferenceAfterApplyAndBeANoOpTheSecondTime(TestInfra infra) {
        String servers = infra.bootstrapServers();

        GlRun before = gl("topics", "diff", "-b", servers);
        GlRun apply = gl("topics", "apply", "-b", servers);
        GlRun after = gl("topics", "diff", "-b", servers);
        GlRun again = gl("topics", "apply", "-b", servers);

        assertThat(before.exitCode()).as(before.err()).isEqualTo(2);
        assertThat(before.out()).contains("gl.run.requests: missing");
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains(TopicCatalog.standard().all().size() + " change(s) applied");
        assertThat(after.exitCode()).as(after.out()).isZero();
        assertThat(after.out()).contains("No difference");
        assertThat(again.out()).contains("No change");
        GlRun describe = gl("topics", "describe", "-b", servers);
        assertThat(describe.out()).contains("gl.dlq").doesNotContain(" no ");
    }
}
