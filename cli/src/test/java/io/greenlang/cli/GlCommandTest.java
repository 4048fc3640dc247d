package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import io.greenlang.topics.TopicCatalog;

class GlCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Gl.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldExplainAnErrorCodeWithItsClassRetryPolicyAndFix() {
        int rc = run("errors", "explain", "GL-E-K8S-JOB-OOM");

        assertThat(rc).isZero();
        assertThat(out.toString())
                .contains("GL-E-K8S-JOB-OOM")
                .contains("RESOURCE")
                .contains("BOUNDED")
                .contains("Increase memory limit");
    }

    @Test
    void shouldFailWithAClearMessageForAnUnknownErrorCode() {
        int rc = run("errors", "explain", "GL-E-NOPE");

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("GL-E-NOPE").contains("fix:");
    }

    @Test
    void shouldListEveryErrorCode() {
        assertThat(run("errors", "list")).isZero();
        assertThat(out.toString()).contains("GL-E-YAML-INVALID", "GL-E-AUDIT-CHAIN-BROKEN", "GL-E-API-5XX");
    }

    @Test
    void shouldListEveryCatalogTopicWithoutACluster() {
        assertThat(run("topics", "list")).isZero();
        TopicCatalog.standard().all().forEach(t -> assertThat(out.toString()).contains(t.name()));
    }

    @Test
    void shouldWriteTheConfigReferenceToStandardOutput() {
        assertThat(run("config", "docs", "--output", "-")).isZero();
        assertThat(out.toString()).contains("GL_MAX_PARALLEL_STEPS").contains("GL_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldRejectABadConfigFileValueNamingTheKeyAndAllowedValues(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("gl.properties");
        java.nio.file.Files.writeString(file, "GL_POLICY_DEFAULT_ACTION=maybe\n");

        int rc = run("config", "check", "--config", file.toString());

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("GL_POLICY_DEFAULT_ACTION").contains("maybe").contains("deny");
    }

    @Test
    void shouldPrintUsageWithEveryCommandWhenRunWithoutArguments() {
        assertThat(run()).isZero();
        assertThat(out.toString()).contains("local", "demo", "topics", "config", "errors", "docs");
    }

    @Test
    void shouldMapTheRunbookLogLevelsToLog4jLevels() {
        assertThat(Gl.log4jLevel("WARNING")).isEqualTo("WARN");
        assertThat(Gl.log4jLevel("debug")).isEqualTo("DEBUG");
        assertThat(Gl.log4jLevel(null)).isEqualTo("WARN");
        assertThat(Gl.log4jLevel("loud")).isEqualTo("WARN");
    }
}
