package io.greenlang.gateway.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.common.metrics.MetricDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/prometheus/gl-lag-rules.yml}: every metric an expression reads is declared in {@link GlMetrics},
 * the message-bus thresholds are the runbook's ({@link MessageBusHealth}), and, when {@code promtool} is on the
 * PATH, the file passes {@code promtool check rules} and its unit tests ({@code gl-lag-rules.test.yml}).
 */
class PrometheusLagRulesTest {

    private static final Path DIR = Path.of("..", "deploy", "prometheus");
    private static final Path RULES = DIR.resolve("gl-lag-rules.yml");
    private static final Pattern METRIC = Pattern.compile("\\bgl_[a-z0-9_]+");
    private static final Pattern THRESHOLD = Pattern.compile("(>=|>|==)\\s*([0-9.]+)\\s*$");

    private static final Map<String, JsonNode> ALERTS = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        JsonNode root = new YAMLMapper().readTree(RULES.toFile());
        for (JsonNode group : root.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                ALERTS.put(rule.get("alert").asText(), rule);
            }
        }
    }

    private static double threshold(String alert, String comparison) {
        String expr = ALERTS.get(alert).get("expr").asText().trim();
        Matcher matcher = THRESHOLD.matcher(expr);
        assertThat(matcher.find()).as("a threshold at the end of " + expr).isTrue();
        assertThat(matcher.group(1)).as(alert).isEqualTo(comparison);
        return Double.parseDouble(matcher.group(2));
    }

    @Test
    void shouldUseOnlyMetricsDeclaredInTheCatalogue() {
        Set<String> declared = GlMetrics.ALL.stream().map(MetricDefinition::name).collect(Collectors.toSet());
        List<String> used = new ArrayList<>();
        ALERTS.values().forEach(rule -> METRIC.matcher(rule.get("expr").asText()).results()
                .forEach(m -> used.add(m.group())));

        assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(declared).contains(name));
        assertThat(used).contains(GlMetrics.CONSUMER_LAG_SECONDS.name(), GlMetrics.CONSUMER_GROUP_STATUS.name());
    }

    @Test
    void shouldAlertOnTheRunbooksMessageBusThresholdsWarningAbove500MsCriticalAbove2s() {
        assertThat(ALERTS.get("MessageBusLagWarning").get("expr").asText()).contains("gl_consumer_lag_seconds");
        assertThat(ALERTS.get("MessageBusLagCritical").get("expr").asText()).contains("gl_consumer_lag_seconds");
        assertThat(threshold("MessageBusLagWarning", ">"))
                .isEqualTo(MessageBusHealth.WARNING_TIME_LAG.toMillis() / 1000.0).isEqualTo(0.5);
        assertThat(threshold("MessageBusLagCritical", ">"))
                .isEqualTo(MessageBusHealth.CRITICAL_TIME_LAG.toMillis() / 1000.0).isEqualTo(2.0);
        assertThat(ALERTS.get("MessageBusLagWarning").at("/labels/severity").asText()).isEqualTo("warning");
        assertThat(ALERTS.get("MessageBusLagCritical").at("/labels/severity").asText()).isEqualTo("critical");
    }

    @Test
    void shouldAlertOnTheGroupStatusSeveritiesOfTheCatalogue() {
        assertThat(threshold("ConsumerGroupLagErr", ">=")).isEqualTo(LagSampler.groupSeverity(LagStatus.ERR));
        assertThat(threshold("ConsumerGroupLagWarn", "==")).isEqualTo(LagSampler.groupSeverity(LagStatus.WARN));
        assertThat(LagSampler.groupSeverity(LagStatus.STOP)).isEqualTo(LagSampler.groupSeverity(LagStatus.ERR));
    }

    @Test
    void shouldPassPromtoolsRuleCheckAndUnitTestsWhenPromtoolIsInstalled() throws Exception {
        Path promtool = onPath("promtool");
        assumeTrue(promtool != null, "promtool is not on the PATH");

        assertThat(run(promtool, "check", "rules", RULES.toString())).startsWith("0:");
        assertThat(run(promtool, "test", "rules", DIR.resolve("gl-lag-rules.test.yml").toString())).startsWith("0:");
    }

    private static String run(Path promtool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + ": " + output;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
