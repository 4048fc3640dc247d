package io.greenlang.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlConfigTest {

    @TempDir
    Path tmp;

    @Test
    void shouldLoadRunbookDefaultsWhenNothingIsSet() {
        GlConfig config = GlConfig.load(Map.of(), Optional.empty());

        assertThat(config.serviceName()).isEqualTo("greenlang-orchestrator");
        assertThat(config.environment()).isEqualTo(DeploymentEnvironment.PRODUCTION);
        assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(config.k8sNamespace()).isEqualTo("greenlang");
        assertThat(config.k8sServiceAccount()).isEqualTo("greenlang-runner");
        assertThat(config.k8sImagePullSecrets()).isEmpty();
        assertThat(config.k8sJobTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.k8sActiveDeadline()).isEqualTo(Duration.ofHours(1));
        assertThat(config.k8sBackoffLimit()).isZero();
        assertThat(config.k8sInCluster()).isFalse();
        assertThat(config.s3Bucket()).isEqualTo("greenlang-artifacts");
        assertThat(config.s3Region()).isEqualTo("us-east-1");
        assertThat(config.s3Endpoint()).isEmpty();
        assertThat(config.s3AccessKeyId()).isEmpty();
        assertThat(config.s3SecretAccessKey()).isEmpty();
        assertThat(config.s3UseSsl()).isTrue();
        assertThat(config.s3VerifySsl()).isTrue();
        assertThat(config.postgresHost()).isEqualTo("postgres.greenlang.svc.cluster.local");
        assertThat(config.postgresPort()).isEqualTo(5432);
        assertThat(config.postgresUser()).isEqualTo("greenlang");
        assertThat(config.postgresPassword()).isEmpty();
        assertThat(config.postgresDatabase()).isEqualTo("greenlang_audit");
        assertThat(config.postgresPoolSize()).isEqualTo(10);
        assertThat(config.postgresMaxOverflow()).isEqualTo(5);
        assertThat(config.auditDbUrl()).isEmpty();
        assertThat(config.opaEnabled()).isFalse();
        assertThat(config.opaUrl()).isEqualTo(URI.create("http://opa.greenlang.svc.cluster.local:8181"));
        assertThat(config.opaTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.opaRetryCount()).isEqualTo(2);
        assertThat(config.yamlRulesEnabled()).isTrue();
        assertThat(config.yamlRulesPath()).isEqualTo(Path.of("/etc/greenlang/policies/rules.yaml"));
        assertThat(config.policyDefaultAction()).isEqualTo(PolicyAction.DENY);
        assertThat(config.policyStrictMode()).isTrue();
        assertThat(config.policyCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxParallelSteps()).isEqualTo(10);
        assertThat(config.defaultStepTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(config.defaultCpuLimit()).isEqualTo("1");
        assertThat(config.defaultMemoryLimit()).isEqualTo("2Gi");
        assertThat(config.metricsPort()).isEqualTo(9090);
        assertThat(config.healthPort()).isEqualTo(8080);
        assertThat(config.kafkaBootstrapServers()).containsExactly("localhost:9092");
        assertThat(config.kafkaPassThrough()).isEmpty();
    }

    @Test
    void shouldTakeValuesFromTheEnvironmentAndIgnoreNonGreenLangVariables() {
        Map<String, String> env = Map.of(
                "GL_MAX_PARALLEL_STEPS", "25",
                "GL_ENVIRONMENT", "development",
                "GL_LOG_LEVEL", "WARNING",
                "GL_POLICY_DEFAULT_ACTION", "allow",
                "GL_K8S_IMAGE_PULL_SECRETS", "ghcr-secret, ecr-secret",
                "GL_S3_ENDPOINT", "http://localhost:9000",
                "GL_KAFKA_BOOTSTRAP_SERVERS", "b1:9092,b2:9092",
                "PATH", "/usr/bin",
                "GL_REDIS_HOST", "redis");

        GlConfig config = GlConfig.load(env, Optional.empty());

        assertThat(config.maxParallelSteps()).isEqualTo(25);
        assertThat(config.environment()).isEqualTo(DeploymentEnvironment.DEVELOPMENT);
        assertThat(config.logLevel()).isEqualTo(LogLevel.WARNING);
        assertThat(config.logLevel().slf4jLevel()).isEqualTo(org.slf4j.event.Level.WARN);
        assertThat(config.policyDefaultAction()).isEqualTo(PolicyAction.ALLOW);
        assertThat(config.k8sImagePullSecrets()).containsExactly("ghcr-secret", "ecr-secret");
        assertThat(config.s3Endpoint()).contains(URI.create("http://localhost:9000"));
        assertThat(config.kafkaBootstrapServers()).containsExactly("b1:9092", "b2:9092");
        assertThat(config.originals()).doesNotContainKey("PATH");
    }

    @Test
    void shouldAuditSetpointWritesAndKeepEveryDispatchPlanAdvisoryByDefault() {
        GlConfig defaults = GlConfig.load(Map.of(), Optional.empty());

        assertThat(defaults.auditTopics()).contains("gl.dispatch.plans", "gl.scada.setpoint-writes");
        assertThat(defaults.dispatchClosedLoopPlants()).isEmpty();
        assertThat(GlConfig.load(Map.of(GlConfig.DISPATCH_CLOSED_LOOP_PLANTS, "plant-1, ,plant-3"), Optional.empty())
                .dispatchClosedLoopPlants()).containsExactlyInAnyOrder("plant-1", "plant-3");
    }

    @Test
    void shouldLetThePropertiesFileOverrideTheEnvironment() throws IOException {
        Path file = tmp.resolve("gl.properties");
        Files.writeString(file, "GL_MAX_PARALLEL_STEPS=3\nGL_S3_BUCKET=from-file\n", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of("GL_MAX_PARALLEL_STEPS", "25", "GL_S3_REGION", "eu-west-1");

        GlConfig config = GlConfig.load(env, Optional.of(file));

        assertThat(config.maxParallelSteps()).isEqualTo(3);
        assertThat(config.s3Bucket()).isEqualTo("from-file");
        assertThat(config.s3Region()).isEqualTo("eu-west-1");
    }

    @Test
    void shouldFailStartUpNamingKeyValueAndRangeForANonNumericInteger() {
        assertThatThrownBy(() -> GlConfig.load(Map.of("GL_MAX_PARALLEL_STEPS", "abc"), Optional.empty()))
                .isInstanceOf(GlConfigException.class)
                .hasMessageContaining("GL_MAX_PARALLEL_STEPS=abc")
                .hasMessageContaining("Not a number")
                .hasMessageContaining("[1,...,1000]");
    }

    @Test
    void shouldFailStartUpNamingKeyValueAndAllowedValuesForAnUnknownChoice() {
        assertThatThrownBy(() -> GlConfig.load(Map.of("GL_POLICY_DEFAULT_ACTION", "maybe"), Optional.empty()))
                .isInstanceOf(GlConfigException.class)
                .hasMessageContaining("GL_POLICY_DEFAULT_ACTION=maybe")
                .hasMessageContaining("deny")
                .hasMessageContaining("allow");
    }

    @Test
    void shouldReportEveryBadKeyAtOnce() {
        Map<String, String> env = Map.of(
                "GL_MAX_PARALLEL_STEPS", "0",
                "GL_ENVIRONMENT", "prod",
                "GL_DEFAULT_MEMORY_LIMIT", "lots",
                "GL_OPA_URL", "opa:8181",
                "GL_S3_USE_SSL", "yes");

        GlConfigException e = org.junit.jupiter.api.Assertions.assertThrows(GlConfigException.class,
                () -> GlConfig.load(env, Optional.empty()));

        assertThat(e.problems()).extracting(GlConfigException.Problem::key).containsExactlyInAnyOrder(
                "GL_MAX_PARALLEL_STEPS", "GL_ENVIRONMENT", "GL_DEFAULT_MEMORY_LIMIT", "GL_OPA_URL", "GL_S3_USE_SSL");
        assertThat(e.getMessage()).contains("[production, staging, development]", "true or false",
                "Kubernetes memory quantity", "http(s) URL");
    }

    @Test
    void shouldNeverPrintAPasswordValueInAnError() {
        String url = "mysql://admin:s3cret@db:3306/audit";

        assertThatThrownBy(() -> GlConfig.load(Map.of("GL_AUDIT_DB_URL", url), Optional.empty()))
                .isInstanceOf(GlConfigException.class)
                .hasMessageContaining("GL_AUDIT_DB_URL=[hidden]")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldRejectAPropertiesFileKeyThatIsNotAGreenLangSetting() throws IOException {
        Path file = tmp.resolve("bad.properties");
        Files.writeString(file, "bootstrap.servers=b:9092\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> GlConfig.load(Map.of(), Optional.of(file)))
                .isInstanceOf(GlConfigException.class)
                .hasMessageContaining("bootstrap.servers")
                .hasMessageContaining("GL_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldFailClearlyWhenThePropertiesFileIsMissing() {
        Path missing = tmp.resolve("missing.properties");

        assertThatThrownBy(() -> GlConfig.load(Map.of(), Optional.of(missing)))
                .isInstanceOf(GlConfigException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void shouldPassGlKafkaVariablesThroughAsLowerCaseDottedClientProperties() {
        Map<String, String> env = new HashMap<>();
        env.put("GL_KAFKA_BOOTSTRAP_SERVERS", "broker:9093");
        env.put("GL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("GL_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("GL_KAFKA_MAX_POLL_RECORDS", "50");

        GlConfig config = GlConfig.load(env, Optional.empty());

        assertThat(config.kafkaPassThrough()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("max.poll.records", "50"));
        assertThat(config.kafkaClientProperties()).containsOnly(
                Map.entry("bootstrap.servers", "broker:9093"),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("max.poll.records", "50"));
    }

    @Test
    void shouldMapKafkaPropertyNamesBothWays() {
        assertThat(GlConfig.kafkaPrefix("security.protocol")).isEqualTo("GL_KAFKA_SECURITY_PROTOCOL");
        assertThat(GlConfig.kafkaProperty("GL_KAFKA_SECURITY_PROTOCOL")).isEqualTo("security.protocol");
        assertThat(GlConfig.kafkaPrefix("bootstrap.servers")).isEqualTo(GlConfig.KAFKA_BOOTSTRAP_SERVERS);
        assertThatThrownBy(() -> GlConfig.kafkaProperty("GL_S3_BUCKET")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldResolveThePostgresConnectionFromTheRunbookUrlForm() {
        GlConfig config = GlConfig.load(Map.of(
                "GL_AUDIT_DB_URL", "postgresql+asyncpg://auditor:p%40ss@db.example:5433/audit",
                "GL_POSTGRES_PASSWORD", "ignored"), Optional.empty());

        PostgresConnection connection = config.postgresConnection();

        assertThat(connection.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/audit");
        assertThat(connection.user()).isEqualTo("auditor");
        assertThat(connection.password().value()).isEqualTo("p@ss");
        assertThat(connection.toString()).doesNotContain("p@ss");
        assertThat(connection.maxConnections()).isEqualTo(15);
    }

    @Test
    void shouldBuildThePostgresConnectionFromHostPortAndDatabaseWithoutAUrl() {
        GlConfig config = GlConfig.load(Map.of("GL_POSTGRES_HOST", "localhost", "GL_POSTGRES_PORT", "15432",
                "GL_POSTGRES_PASSWORD", "pw"), Optional.empty());

        PostgresConnection connection = config.postgresConnection();

        assertThat(connection.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:15432/greenlang_audit");
        assertThat(connection.user()).isEqualTo("greenlang");
        assertThat(connection.password().value()).isEqualTo("pw");
    }

    @Test
    void shouldDeclarePasswordsAsPasswordType() {
        Map<String, ConfigDef.ConfigKey> keys = GlConfig.configDef().configKeys();

        assertThat(keys.get(GlConfig.POSTGRES_PASSWORD).type).isEqualTo(ConfigDef.Type.PASSWORD);
        assertThat(keys.get(GlConfig.S3_SECRET_ACCESS_KEY).type).isEqualTo(ConfigDef.Type.PASSWORD);
        assertThat(keys.get(GlConfig.AUDIT_DB_URL).type).isEqualTo(ConfigDef.Type.PASSWORD);
    }

    @Test
    void shouldDeclareNoRedisSetting() {
        assertThat(GlConfig.configDef().names()).noneMatch(name -> name.startsWith("GL_REDIS_"));
    }

    @Test
    void shouldRenderOneMarkdownRowPerDeclaredKey() {
        String markdown = GlConfig.toMarkdown();
        List<String> rows = markdown.lines().filter(line -> line.startsWith("| `GL_")).toList();

        assertThat(rows).hasSize(GlConfig.configDef().names().size());
        for (String name : GlConfig.configDef().names()) {
            assertThat(markdown).contains("| `" + name + "` |");
        }
        assertThat(markdown)
                .contains("| `GL_MAX_PARALLEL_STEPS` | int | `10` | [1,...,1000] | high |")
                .contains("| `GL_POLICY_DEFAULT_ACTION` | string | `deny` | [deny, allow] | high |")
                .contains("GL_KAFKA_<PROPERTY>")
                .contains("Redis");
    }

    @Test
    void shouldDeclareEveryRunbookVariableExceptTheDocumentedExclusions() throws IOException {
        String runbook = new String(getClass().getResourceAsStream("/runbook/greenlang-orchestrator-runbook.txt")
                .readAllBytes(), StandardCharsets.UTF_8);
        String envSection = runbook.substring(runbook.indexOf("### 2.2 Environment Variables Reference"),
                runbook.indexOf("### 2.3"));
        List<String> runbookKeys = envSection.lines()
                .map(String::trim)
                .map(line -> line.startsWith("# GL_") ? line.substring(2) : line)
                .filter(line -> line.startsWith("GL_"))
                .map(line -> line.substring(0, line.indexOf('=')))
                .toList();

        assertThat(runbookKeys).hasSizeGreaterThan(40);
        List<String> missing = runbookKeys.stream()
                .filter(key -> !GlConfig.configDef().names().contains(key))
                .toList();
        assertThat(missing).allMatch(key -> key.startsWith("GL_REDIS_") || key.startsWith("GL_TRACE_")
                || key.equals("GL_ENABLE_LEGACY_FALLBACK"));
    }
}
