package io.greenlang.common.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.NonEmptyString;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of a GreenLang service, declared once with Kafka's {@link ConfigDef}: name (the environment
 * variable, exactly as in the runbook §2.2), type, default, validator, importance and documentation. The
 * reference {@code docs/config.md} is rendered from these declarations by {@link #toMarkdown()}
 * ({@code gl config docs}), so no default is ever written twice.
 *
 * <p>Sources and precedence: {@link #load(Map, Optional)} takes the {@code GL_*} entries of the environment and
 * lets a properties file (same key names) override them; keys not given take their declared default. Any bad
 * value fails start-up with a {@link GlConfigException} that names every bad key, its value and the allowed
 * values.
 *
 * <p>Kafka client settings pass through by prefix, never by copying keys by hand: any {@code GL_KAFKA_<PROP>}
 * becomes the client property {@code <prop>} lower-cased with {@code _} replaced by {@code .}
 * ({@code GL_KAFKA_SECURITY_PROTOCOL} becomes {@code security.protocol}); see {@link #kafkaPrefix(String)},
 * {@link #kafkaClientProperties()} and {@link io.greenlang.common.kafka.KafkaClients}.
 *
 * <p>Runbook variables deliberately not declared: {@code GL_REDIS_*} (Kafka replaces Redis for queueing and
 * locking), {@code GL_ENABLE_LEGACY_FALLBACK} (there is no legacy HTTP adapter) and {@code GL_TRACE_*}
 * (tracing is not implemented yet). They are ignored if set.
 *
 * <p>This class only reads and validates settings. It must never parse strings on each call (getters return
 * values parsed once at load), never read {@link System#getenv()} itself (callers pass the environment, which
 * keeps tests hermetic), and never log a {@link Type#PASSWORD} value or a pass-through value.
 */
public final class GlConfig extends AbstractConfig {

    private static final Logger log = LoggerFactory.getLogger(GlConfig.class);

    /** Prefix of every GreenLang setting. */
    public static final String PREFIX = "GL_";
    /** Prefix of the Kafka client pass-through settings. */
    public static final String KAFKA_PREFIX = "GL_KAFKA_";

    private static final String GROUP_SERVICE = "Service identity";
    private static final String GROUP_K8S = "Kubernetes executor";
    private static final String GROUP_S3 = "S3 artifact store";
    private static final String GROUP_POSTGRES = "PostgreSQL audit store";
    private static final String GROUP_POLICY = "Policy engine";
    private static final String GROUP_EXECUTION = "Execution";
    private static final String GROUP_OBSERVABILITY = "Observability";
    private static final String GROUP_KAFKA = "Kafka";
    private static final String GROUP_GATEWAY = "API gateway";
    private static final String GROUP_PROCESS_HEAT = "Process heat";
    private static final String GROUP_SCADA_WRITE_BACK = "SCADA write-back";
    private static final String GROUP_SCADA = "SCADA bridge";

    // ---- Service identity
    /** Name of this service, used as the {@code service} metric tag and as a Kafka client id prefix. */
    public static final String SERVICE_NAME = "GL_SERVICE_NAME";
    /** production | staging | development. */
    public static final String ENVIRONMENT = "GL_ENVIRONMENT";
    /** DEBUG | INFO | WARNING | ERROR. */
    public static final String LOG_LEVEL = "GL_LOG_LEVEL";

    // ---- Kubernetes executor
    /** Namespace in which step Jobs are created. */
    public static final String K8S_NAMESPACE = "GL_K8S_NAMESPACE";
    /** Service account of step Jobs. */
    public static final String K8S_SERVICE_ACCOUNT = "GL_K8S_SERVICE_ACCOUNT";
    /** Image pull secrets attached to step Jobs. */
    public static final String K8S_IMAGE_PULL_SECRETS = "GL_K8S_IMAGE_PULL_SECRETS";
    /** ttlSecondsAfterFinished of step Jobs. */
    public static final String K8S_JOB_TTL_SECONDS = "GL_K8S_JOB_TTL_SECONDS";
    /** activeDeadlineSeconds of step Jobs. */
    public static final String K8S_ACTIVE_DEADLINE_SECONDS = "GL_K8S_ACTIVE_DEADLINE_SECONDS";
    /** backoffLimit of step Jobs. */
    public static final String K8S_BACKOFF_LIMIT = "GL_K8S_BACKOFF_LIMIT";
    /** Whether to use the in-cluster service-account credentials. */
    public static final String K8S_IN_CLUSTER = "GL_K8S_IN_CLUSTER";

    // ---- S3
    /** Artifact bucket. */
    public static final String S3_BUCKET = "GL_S3_BUCKET";
    /** Bucket region. */
    public static final String S3_REGION = "GL_S3_REGION";
    /** Endpoint override (MinIO, the local S3 server); empty for AWS. */
    public static final String S3_ENDPOINT = "GL_S3_ENDPOINT";
    /** Static access key id; empty to use the default AWS credential chain. */
    public static final String S3_ACCESS_KEY_ID = "GL_S3_ACCESS_KEY_ID";
    /** Static secret access key. */
    public static final String S3_SECRET_ACCESS_KEY = "GL_S3_SECRET_ACCESS_KEY";
    /** Whether to use HTTPS. */
    public static final String S3_USE_SSL = "GL_S3_USE_SSL";
    /** Whether to verify the server certificate. */
    public static final String S3_VERIFY_SSL = "GL_S3_VERIFY_SSL";

    // ---- PostgreSQL
    /** Database host. */
    public static final String POSTGRES_HOST = "GL_POSTGRES_HOST";
    /** Database port. */
    public static final String POSTGRES_PORT = "GL_POSTGRES_PORT";
    /** Database user. */
    public static final String POSTGRES_USER = "GL_POSTGRES_USER";
    /** Database password. */
    public static final String POSTGRES_PASSWORD = "GL_POSTGRES_PASSWORD";
    /** Database name. */
    public static final String POSTGRES_DATABASE = "GL_POSTGRES_DATABASE";
    /** Connection pool size. */
    public static final String POSTGRES_POOL_SIZE = "GL_POSTGRES_POOL_SIZE";
    /** Connections allowed above the pool size. */
    public static final String POSTGRES_MAX_OVERFLOW = "GL_POSTGRES_MAX_OVERFLOW";
    /** Full URL alternative to the GL_POSTGRES_* host/port/database. */
    public static final String AUDIT_DB_URL = "GL_AUDIT_DB_URL";
    /** Topics whose events the audit sink hash-chains. */
    public static final String AUDIT_TOPICS = "GL_AUDIT_TOPICS";
    /** Schema of the audit store. */
    public static final String AUDIT_SCHEMA = "GL_AUDIT_SCHEMA";
    /** Seconds between the audit sink's full verifications of every chain. */
    public static final String AUDIT_VERIFY_INTERVAL_SECONDS = "GL_AUDIT_VERIFY_INTERVAL_SECONDS";

    // ---- Policy
    /** Whether an external OPA server is consulted. */
    public static final String OPA_ENABLED = "GL_OPA_ENABLED";
    /** OPA base URL. */
    public static final String OPA_URL = "GL_OPA_URL";
    /** Timeout of one OPA call. */
    public static final String OPA_TIMEOUT_SECONDS = "GL_OPA_TIMEOUT_SECONDS";
    /** Retries of a failed OPA call. */
    public static final String OPA_RETRY_COUNT = "GL_OPA_RETRY_COUNT";
    /** Whether the built-in YAML rules are evaluated. */
    public static final String YAML_RULES_ENABLED = "GL_YAML_RULES_ENABLED";
    /** Path of the YAML rules file. */
    public static final String YAML_RULES_PATH = "GL_YAML_RULES_PATH";
    /** deny | allow when no rule matches. */
    public static final String POLICY_DEFAULT_ACTION = "GL_POLICY_DEFAULT_ACTION";
    /** Deny when policy evaluation itself fails. */
    public static final String POLICY_STRICT_MODE = "GL_POLICY_STRICT_MODE";
    /** How long a policy decision is cached. */
    public static final String POLICY_CACHE_TTL_SECONDS = "GL_POLICY_CACHE_TTL_SECONDS";

    // ---- Execution
    /** Max concurrent steps of one run. */
    public static final String MAX_PARALLEL_STEPS = "GL_MAX_PARALLEL_STEPS";
    /** Steps of one tenant executing at once. */
    public static final String MAX_TENANT_PARALLEL_STEPS = "GL_MAX_TENANT_PARALLEL_STEPS";
    /** Step timeout when the pipeline sets none. */
    public static final String DEFAULT_TIMEOUT_SECONDS = "GL_DEFAULT_TIMEOUT_SECONDS";
    /** CPU limit per step when the pipeline sets none. */
    public static final String DEFAULT_CPU_LIMIT = "GL_DEFAULT_CPU_LIMIT";
    /** Memory limit per step when the pipeline sets none. */
    public static final String DEFAULT_MEMORY_LIMIT = "GL_DEFAULT_MEMORY_LIMIT";
    /** Where the executor worker runs steps: local processes or Kubernetes Jobs. */
    public static final String EXECUTOR = "GL_EXECUTOR";
    /** Command line the local executor runs for a step that names no command. */
    public static final String AGENT_COMMAND = "GL_AGENT_COMMAND";
    /** Image of a step Job when the step names none. */
    public static final String AGENT_IMAGE = "GL_AGENT_IMAGE";
    /** Directory where the executor worker keeps what it launched. */
    public static final String WORKER_STATE_DIR = "GL_WORKER_STATE_DIR";
    /** Seconds between heartbeats of a running step. */
    public static final String STEP_HEARTBEAT_SECONDS = "GL_STEP_HEARTBEAT_SECONDS";

    // ---- Observability
    /** Port of {@code /metrics}. */
    public static final String METRICS_PORT = "GL_METRICS_PORT";
    /** Port of {@code /health/live} and {@code /health/ready}. */
    public static final String HEALTH_PORT = "GL_HEALTH_PORT";

    // ---- Kafka
    /** Kafka bootstrap servers. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "GL_KAFKA_BOOTSTRAP_SERVERS";

    // ---- API gateway
    /** PostgreSQL schema of the gateway's own tables (submitted runs, outbox, API keys, tenant blocklist). */
    public static final String GATEWAY_SCHEMA = "GL_GATEWAY_SCHEMA";
    /** Requests per minute one API key (or token subject) may make. */
    public static final String API_RATE_LIMIT_PER_MINUTE = "GL_API_RATE_LIMIT_PER_MINUTE";
    /** JWKS URL of the OIDC provider whose bearer tokens the gateway accepts. */
    public static final String OIDC_JWKS_URL = "GL_OIDC_JWKS_URL";
    /** Required {@code iss} of OIDC bearer tokens. */
    public static final String OIDC_ISSUER = "GL_OIDC_ISSUER";
    /** Required {@code aud} of OIDC bearer tokens. */
    public static final String OIDC_AUDIENCE = "GL_OIDC_AUDIENCE";
    /** Replication slot (and publication prefix) of the outbox's Debezium engine. */
    public static final String OUTBOX_SLOT_NAME = "GL_OUTBOX_SLOT_NAME";
    /** How often the outbox's Debezium engine polls for new changes. */
    public static final String OUTBOX_POLL_INTERVAL_MS = "GL_OUTBOX_POLL_INTERVAL_MS";
    /** Seconds between two samples of the consumer-lag monitor. */
    public static final String LAG_SAMPLE_SECONDS = "GL_LAG_SAMPLE_SECONDS";
    /** Samples in the consumer-lag monitor's sliding window per partition. */
    public static final String LAG_WINDOW_SAMPLES = "GL_LAG_WINDOW_SAMPLES";

    // ---- Process heat (plant state, agent health, dispatch planner)
    /** Share of a plant's heat demand that is critical when the plant reports no critical demand tag. */
    public static final String PLANT_CRITICAL_DEMAND_FRACTION = "GL_PLANT_CRITICAL_DEMAND_FRACTION";
    /** Drum pressure limit of a boiler that reports no limit tag, in bar. */
    public static final String PLANT_PRESSURE_LIMIT_BAR = "GL_PLANT_PRESSURE_LIMIT_BAR";
    /** Plant efficiency below which EFFICIENCY_LOW is raised. */
    public static final String PLANT_MIN_EFFICIENCY = "GL_PLANT_MIN_EFFICIENCY";
    /** Seconds without telemetry from a plant before SCADA_OUTAGE is raised. */
    public static final String PLANT_SCADA_OUTAGE_SECONDS = "GL_PLANT_SCADA_OUTAGE_SECONDS";
    /** Seconds between two heartbeats of a sub-agent. */
    public static final String AGENT_HEARTBEAT_INTERVAL_SECONDS = "GL_AGENT_HEARTBEAT_INTERVAL_SECONDS";
    /** Demand change in MW that makes the dispatch planner solve a plant again. */
    public static final String DISPATCH_DEMAND_THRESHOLD_MW = "GL_DISPATCH_DEMAND_THRESHOLD_MW";
    /** Seconds after which every plant is solved again even without a trigger. */
    public static final String DISPATCH_PERIOD_SECONDS = "GL_DISPATCH_PERIOD_SECONDS";
    /** Time bound of one dispatch solve, in milliseconds. */
    public static final String DISPATCH_SOLVE_TIMEOUT_MS = "GL_DISPATCH_SOLVE_TIMEOUT_MS";
    /** YAML file describing each plant's boilers for the dispatch planner. */
    public static final String DISPATCH_FLEET_PATH = "GL_DISPATCH_FLEET_PATH";
    // ---- SCADA write-back
    /** Plants whose dispatch plans are published as non-advisory, for scada-bridge to write back. */
    public static final String DISPATCH_CLOSED_LOOP_PLANTS = "GL_DISPATCH_CLOSED_LOOP_PLANTS";
    // ---- SCADA bridge
    /** Directory of the SCADA bridge's store-and-forward spool (one subdirectory per plant). */
    public static final String SCADA_SPOOL_DIR = "GL_SCADA_SPOOL_DIR";
    /** Most bytes one plant's spool may take on disk. */
    public static final String SCADA_SPOOL_MAX_BYTES = "GL_SCADA_SPOOL_MAX_BYTES";

    private static final ConfigDef CONFIG = buildConfigDef();

    private final DeploymentEnvironment environment;
    private final LogLevel logLevel;
    private final PolicyAction policyDefaultAction;
    private final Map<String, Object> kafkaPassThrough;

    private GlConfig(Map<String, String> originals) {
        super(CONFIG, originals, true);
        this.environment = DeploymentEnvironment.fromConfigValue(getString(ENVIRONMENT));
        this.logLevel = LogLevel.valueOf(getString(LOG_LEVEL));
        this.policyDefaultAction = PolicyAction.fromConfigValue(getString(POLICY_DEFAULT_ACTION));
        this.kafkaPassThrough = collectKafkaPassThrough();
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;

        // Service identity
        def.define(SERVICE_NAME, Type.STRING, "greenlang-orchestrator", new NonEmptyString(), Importance.HIGH,
                "Name of the service, e.g. streams-app or audit-sink: tags every metric (service=...) and "
                        + "prefixes Kafka client ids. Each service's deployment sets its own.",
                GROUP_SERVICE, ++order, Width.MEDIUM, "Service name");
        def.define(ENVIRONMENT, Type.STRING, DeploymentEnvironment.PRODUCTION.configValue(),
                ValidString.in(DeploymentEnvironment.configValues()), Importance.MEDIUM,
                "Kind of deployment. The default is production, the strictest, so a forgotten setting never "
                        + "relaxes anything.",
                GROUP_SERVICE, ++order, Width.SHORT, "Environment");
        def.define(LOG_LEVEL, Type.STRING, LogLevel.INFO.name(), ValidString.in(LogLevel.configValues()),
                Importance.LOW, "Root log level, spelled as in the runbook (WARNING, not WARN).",
                GROUP_SERVICE, ++order, Width.SHORT, "Log level");

        // Kubernetes executor
        order = 0;
        def.define(K8S_NAMESPACE, Type.STRING, "greenlang", new NonEmptyString(), Importance.HIGH,
                "Namespace in which executor-worker creates one Job per step attempt.",
                GROUP_K8S, ++order, Width.MEDIUM, "Job namespace");
        def.define(K8S_SERVICE_ACCOUNT, Type.STRING, "greenlang-runner", new NonEmptyString(), Importance.MEDIUM,
                "Service account the step Jobs run as.", GROUP_K8S, ++order, Width.MEDIUM, "Job service account");
        def.define(K8S_IMAGE_PULL_SECRETS, Type.LIST, "", Importance.MEDIUM,
                "Comma-separated image pull secrets attached to step Jobs. Default empty: the runbook's example "
                        + "(ghcr-secret,ecr-secret) names secrets that exist only in its cluster.",
                GROUP_K8S, ++order, Width.LONG, "Image pull secrets");
        def.define(K8S_JOB_TTL_SECONDS, Type.INT, 3600, Range.atLeast(0), Importance.LOW,
                "Seconds a finished step Job is kept before Kubernetes deletes it (ttlSecondsAfterFinished).",
                GROUP_K8S, ++order, Width.SHORT, "Job TTL (s)");
        def.define(K8S_ACTIVE_DEADLINE_SECONDS, Type.INT, 3600, Range.atLeast(1), Importance.MEDIUM,
                "Maximum run time of a step Job in seconds (activeDeadlineSeconds); exceeding it is "
                        + "GL-E-K8S-JOB-TIMEOUT.",
                GROUP_K8S, ++order, Width.SHORT, "Job deadline (s)");
        def.define(K8S_BACKOFF_LIMIT, Type.INT, 0, Range.between(0, 10), Importance.LOW,
                "Kubernetes-level retries of a step Job (backoffLimit). 0: the orchestrator retries, following "
                        + "the error code's retry policy.",
                GROUP_K8S, ++order, Width.SHORT, "Job backoff limit");
        def.define(K8S_IN_CLUSTER, Type.BOOLEAN, false, Importance.MEDIUM,
                "true when running inside Kubernetes (use the pod's service-account credentials); false reads "
                        + "the kubeconfig. The runbook's default is true, for its in-cluster deployment; the "
                        + "default here is false so a service started outside a cluster does not look for a "
                        + "service-account token. The Helm chart sets true.",
                GROUP_K8S, ++order, Width.SHORT, "In cluster");

        // S3
        order = 0;
        def.define(S3_BUCKET, Type.STRING, "greenlang-artifacts", new NonEmptyString(), Importance.HIGH,
                "Bucket holding step inputs, results and artifacts.", GROUP_S3, ++order, Width.MEDIUM, "Bucket");
        def.define(S3_REGION, Type.STRING, "us-east-1", new NonEmptyString(), Importance.MEDIUM,
                "Region of the bucket.", GROUP_S3, ++order, Width.SHORT, "Region");
        def.define(S3_ENDPOINT, Type.STRING, "", ConfigValidators.httpUrl(true), Importance.MEDIUM,
                "Endpoint override: empty for AWS, set for MinIO or the local S3 server.",
                GROUP_S3, ++order, Width.LONG, "Endpoint");
        def.define(S3_ACCESS_KEY_ID, Type.STRING, "", Importance.MEDIUM,
                "Static access key id. Empty: the default AWS credential chain (IAM role, ...).",
                GROUP_S3, ++order, Width.MEDIUM, "Access key id");
        def.define(S3_SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                "Static secret access key, with GL_S3_ACCESS_KEY_ID. Use a secret reference.",
                GROUP_S3, ++order, Width.MEDIUM, "Secret access key");
        def.define(S3_USE_SSL, Type.BOOLEAN, true, Importance.LOW,
                "Use HTTPS to reach S3.", GROUP_S3, ++order, Width.SHORT, "Use TLS");
        def.define(S3_VERIFY_SSL, Type.BOOLEAN, true, Importance.LOW,
                "Verify the S3 server certificate.", GROUP_S3, ++order, Width.SHORT, "Verify TLS");

        // PostgreSQL
        order = 0;
        def.define(POSTGRES_HOST, Type.STRING, "postgres.greenlang.svc.cluster.local", new NonEmptyString(),
                Importance.HIGH, "Host of the audit store.", GROUP_POSTGRES, ++order, Width.LONG, "Host");
        def.define(POSTGRES_PORT, Type.INT, 5432, Range.between(1, 65535), Importance.MEDIUM,
                "Port of the audit store.", GROUP_POSTGRES, ++order, Width.SHORT, "Port");
        def.define(POSTGRES_USER, Type.STRING, "greenlang", new NonEmptyString(), Importance.HIGH,
                "Database user.", GROUP_POSTGRES, ++order, Width.MEDIUM, "User");
        def.define(POSTGRES_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                "Database password. Use a secret reference.", GROUP_POSTGRES, ++order, Width.MEDIUM, "Password");
        def.define(POSTGRES_DATABASE, Type.STRING, "greenlang_audit", new NonEmptyString(), Importance.MEDIUM,
                "Database name.", GROUP_POSTGRES, ++order, Width.MEDIUM, "Database");
        def.define(POSTGRES_POOL_SIZE, Type.INT, 10, Range.between(1, 1000), Importance.LOW,
                "Connections kept in the pool.", GROUP_POSTGRES, ++order, Width.SHORT, "Pool size");
        def.define(POSTGRES_MAX_OVERFLOW, Type.INT, 5, Range.between(0, 1000), Importance.LOW,
                "Connections the pool may open above its size under load.",
                GROUP_POSTGRES, ++order, Width.SHORT, "Pool overflow");
        def.define(AUDIT_DB_URL, Type.PASSWORD, null, ConfigValidators.postgresUrl(), Importance.MEDIUM,
                "Optional full URL alternative to GL_POSTGRES_HOST/PORT/DATABASE; when set it wins. A "
                        + "PASSWORD because the URI forms may carry credentials (user:password@), which then "
                        + "win over GL_POSTGRES_USER/PASSWORD.",
                GROUP_POSTGRES, ++order, Width.LONG, "Audit DB URL");
        def.define(AUDIT_TOPICS, Type.LIST, "gl.run.events,gl.step.events,gl.policy.decisions,gl.plant.alerts,"
                        + "gl.plant.telemetry-1m,gl.dispatch.plans,gl.scada.setpoint-writes,gl.agent.alerts,gl.admin.actions",
                Importance.MEDIUM,
                "Comma-separated catalog topics (base names, without a deployment prefix) whose events the audit "
                        + "sink appends to hash chains, one chain per topic and record key. Not in the runbook.",
                GROUP_POSTGRES, ++order, Width.LONG, "Audited topics");
        def.define(AUDIT_SCHEMA, Type.STRING, "audit", new NonEmptyString(), Importance.LOW,
                "PostgreSQL schema of the audit store (created by its migrations). Not in the runbook.",
                GROUP_POSTGRES, ++order, Width.SHORT, "Audit schema");
        def.define(AUDIT_VERIFY_INTERVAL_SECONDS, Type.INT, 300, Range.between(0, 86_400), Importance.LOW,
                "Seconds between the audit sink's periodic verifications of every chain, which set "
                        + "gl_audit_chain_valid and gl_audit_chains; 0 turns the periodic verifier off. Not in "
                        + "the runbook.",
                GROUP_POSTGRES, ++order, Width.SHORT, "Audit verify interval");

        // Policy
        order = 0;
        def.define(OPA_ENABLED, Type.BOOLEAN, false, Importance.HIGH,
                "Consult an external OPA server in addition to the built-in YAML rules. The runbook's default "
                        + "is true; here OPA is optional (the YAML rules with CEL conditions are built in), so "
                        + "the default is false and a deployment with an OPA server sets true.",
                GROUP_POLICY, ++order, Width.SHORT, "OPA enabled");
        def.define(OPA_URL, Type.STRING, "http://opa.greenlang.svc.cluster.local:8181",
                ConfigValidators.httpUrl(false), Importance.MEDIUM,
                "Base URL of the OPA server; used only when GL_OPA_ENABLED is true.",
                GROUP_POLICY, ++order, Width.LONG, "OPA URL");
        def.define(OPA_TIMEOUT_SECONDS, Type.INT, 5, Range.between(1, 300), Importance.LOW,
                "Timeout of one OPA call in seconds.", GROUP_POLICY, ++order, Width.SHORT, "OPA timeout (s)");
        def.define(OPA_RETRY_COUNT, Type.INT, 2, Range.between(0, 10), Importance.LOW,
                "Retries of a failed OPA call.", GROUP_POLICY, ++order, Width.SHORT, "OPA retries");
        def.define(YAML_RULES_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                "Evaluate the built-in YAML policy rules.", GROUP_POLICY, ++order, Width.SHORT, "YAML rules");
        def.define(YAML_RULES_PATH, Type.STRING, "/etc/greenlang/policies/rules.yaml", new NonEmptyString(),
                Importance.MEDIUM, "Path of the YAML rules file.",
                GROUP_POLICY, ++order, Width.LONG, "YAML rules path");
        def.define(POLICY_DEFAULT_ACTION, Type.STRING, PolicyAction.DENY.configValue(),
                ValidString.in(PolicyAction.configValues()), Importance.HIGH,
                "Decision when no rule matches.", GROUP_POLICY, ++order, Width.SHORT, "Default action");
        def.define(POLICY_STRICT_MODE, Type.BOOLEAN, true, Importance.HIGH,
                "Deny when policy evaluation itself fails (OPA unreachable, rule error).",
                GROUP_POLICY, ++order, Width.SHORT, "Strict mode");
        def.define(POLICY_CACHE_TTL_SECONDS, Type.INT, 300, Range.between(0, 86_400), Importance.LOW,
                "Seconds a policy decision is cached; 0 disables the cache.",
                GROUP_POLICY, ++order, Width.SHORT, "Decision cache TTL (s)");

        // Execution
        order = 0;
        def.define(MAX_PARALLEL_STEPS, Type.INT, 10, Range.between(1, 1000), Importance.HIGH,
                "Maximum steps of one run executing at the same time.",
                GROUP_EXECUTION, ++order, Width.SHORT, "Max parallel steps");
        def.define(MAX_TENANT_PARALLEL_STEPS, Type.INT, 100, Range.between(1, 100_000), Importance.MEDIUM,
                "Maximum steps of one tenant executing at the same time, across its runs, so that one tenant "
                        + "cannot take every executor. Enforced per partition of the run topics (each run "
                        + "orchestrator task holds the runs of its partitions), so a tenant's cluster-wide ceiling "
                        + "is this value times the number of run partitions that hold its runs. Not in the runbook.",
                GROUP_EXECUTION, ++order, Width.SHORT, "Max parallel steps per tenant");
        def.define(DEFAULT_TIMEOUT_SECONDS, Type.INT, 3600, Range.between(1, 7 * 86_400), Importance.MEDIUM,
                "Step timeout in seconds when the pipeline sets none; exceeding it is GL-E-AGENT-TIMEOUT.",
                GROUP_EXECUTION, ++order, Width.SHORT, "Default step timeout (s)");
        def.define(DEFAULT_CPU_LIMIT, Type.STRING, "1", ConfigValidators.cpuQuantity(), Importance.MEDIUM,
                "CPU limit of a step when the pipeline sets none (Kubernetes quantity).",
                GROUP_EXECUTION, ++order, Width.SHORT, "Default CPU limit");
        def.define(DEFAULT_MEMORY_LIMIT, Type.STRING, "2Gi", ConfigValidators.memoryQuantity(), Importance.MEDIUM,
                "Memory limit of a step when the pipeline sets none (Kubernetes quantity).",
                GROUP_EXECUTION, ++order, Width.SHORT, "Default memory limit");
        def.define(EXECUTOR, Type.STRING, "local", ValidString.in("local", "kubernetes"), Importance.HIGH,
                "Where executor-worker runs each step attempt: local (a child process of the worker, the embedded "
                        + "default) or kubernetes (one Job per attempt in GL_K8S_NAMESPACE). Not in the runbook, "
                        + "whose deployment always uses Kubernetes.",
                GROUP_EXECUTION, ++order, Width.SHORT, "Executor");
        def.define(AGENT_COMMAND, Type.LIST, "", Importance.MEDIUM,
                "Comma-separated command line the local executor runs for a step whose pipeline names no "
                        + "command; the agent id is appended as the last argument and set as GL_AGENT_ID. Empty: "
                        + "the worker's own Java runtime and class path with main class "
                        + "io.greenlang.agents.AgentMain (the reference agents, as in gl local up).",
                GROUP_EXECUTION, ++order, Width.LONG, "Local agent command");
        def.define(AGENT_IMAGE, Type.STRING, "ghcr.io/greenlang/greenlang-agents:0.1.0", new NonEmptyString(),
                Importance.MEDIUM,
                "Container image of a step Job whose pipeline names no image (the reference agents image built "
                        + "from agents/Dockerfile); the agent id is its argument.",
                GROUP_EXECUTION, ++order, Width.LONG, "Default agent image");
        def.define(WORKER_STATE_DIR, Type.STRING, "/var/lib/greenlang/worker", new NonEmptyString(),
                Importance.MEDIUM,
                "Directory where executor-worker records each attempt it launched (process id, exit code, what it "
                        + "reported), so that after a restart it re-attaches to running steps instead of launching "
                        + "them twice. Must survive a restart of the worker (a volume, not the container's "
                        + "file system).",
                GROUP_EXECUTION, ++order, Width.LONG, "Worker state directory");
        def.define(STEP_HEARTBEAT_SECONDS, Type.INT, 5, Range.between(1, 3600), Importance.LOW,
                "Seconds between HEARTBEAT events of a running step attempt on gl.step.events.",
                GROUP_EXECUTION, ++order, Width.SHORT, "Step heartbeat interval (s)");

        // Observability
        order = 0;
        def.define(METRICS_PORT, Type.INT, 9090, Range.between(0, 65535), Importance.LOW,
                "Port serving /metrics (Prometheus text). 0 picks a free port (tests). When equal to "
                        + "GL_HEALTH_PORT one server serves both.",
                GROUP_OBSERVABILITY, ++order, Width.SHORT, "Metrics port");
        def.define(HEALTH_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.LOW,
                "Port serving /health/live and /health/ready. 0 picks a free port (tests).",
                GROUP_OBSERVABILITY, ++order, Width.SHORT, "Health port");

        // Kafka
        order = 0;
        def.define(KAFKA_BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", new NonEmptyList(), Importance.HIGH,
                "Comma-separated host:port pairs of the Kafka brokers (bootstrap.servers). Any other "
                        + "GL_KAFKA_<PROPERTY> is passed to every Kafka client as <property> lower-cased with "
                        + "_ replaced by . (GL_KAFKA_SECURITY_PROTOCOL=SASL_SSL -> security.protocol=SASL_SSL).",
                GROUP_KAFKA, ++order, Width.LONG, "Bootstrap servers");

        // API gateway
        order = 0;
        def.define(GATEWAY_SCHEMA, Type.STRING, "gateway", new SqlIdentifier(), Importance.MEDIUM,
                "PostgreSQL schema of the API gateway's own tables: submitted runs with their idempotency keys, "
                        + "the transactional outbox, API keys (hashed), the tenant blocklist and maintenance mode. "
                        + "Created by the gateway's migrations, in the database of GL_POSTGRES_*. Not in the "
                        + "runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "Gateway schema");
        def.define(API_RATE_LIMIT_PER_MINUTE, Type.INT, 600, Range.between(0, 1_000_000), Importance.MEDIUM,
                "Requests per minute one API key or token subject may make; more are answered 429 "
                        + "GL-E-API-RATE-LIMIT with Retry-After. 0 turns the limit off. Not in the runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "API rate limit (per minute)");
        def.define(OIDC_JWKS_URL, Type.STRING, "", Importance.MEDIUM,
                "JWKS URL of an OIDC provider: when set, the gateway also accepts 'Authorization: Bearer <JWT>' "
                        + "tokens signed by a key of that set, taking the tenant from the 'tenant' claim and the "
                        + "roles from the 'roles' claim. Empty: API keys only. Not in the runbook.",
                GROUP_GATEWAY, ++order, Width.LONG, "OIDC JWKS URL");
        def.define(OIDC_ISSUER, Type.STRING, "", Importance.LOW,
                "Issuer ('iss') an OIDC bearer token must carry; empty accepts any issuer of the JWKS. Not in the "
                        + "runbook.",
                GROUP_GATEWAY, ++order, Width.LONG, "OIDC issuer");
        def.define(OIDC_AUDIENCE, Type.STRING, "", Importance.LOW,
                "Audience ('aud') an OIDC bearer token must include; empty accepts any audience. Not in the "
                        + "runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "OIDC audience");
        def.define(OUTBOX_SLOT_NAME, Type.STRING, "gl_outbox", new SqlIdentifier(), Importance.LOW,
                "Logical replication slot of the gateway's Debezium engine (pgoutput), also the name of its "
                        + "publication. One per gateway deployment: two gateways on one slot take turns. Not in "
                        + "the runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "Outbox replication slot");
        def.define(OUTBOX_POLL_INTERVAL_MS, Type.INT, 10, Range.between(1, 60_000), Importance.LOW,
                "Milliseconds the outbox's Debezium engine waits between polls for new outbox rows; the floor of "
                        + "the submit-to-topic latency. Not in the runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "Outbox poll interval (ms)");
        def.define(LAG_SAMPLE_SECONDS, Type.INT, 10, Range.between(1, 3600), Importance.LOW,
                "Seconds between two samples of every consumer group's committed and log-end offsets by the "
                        + "gateway's lag monitor. Not in the runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "Lag sample interval (s)");
        def.define(LAG_WINDOW_SAMPLES, Type.INT, 10, Range.between(2, 1000), Importance.LOW,
                "Samples per partition in the lag monitor's sliding window, over which Burrow's rules (OK, WARN, "
                        + "ERR, STOP, STALL, REWIND) are evaluated. Not in the runbook.",
                GROUP_GATEWAY, ++order, Width.SHORT, "Lag window (samples)");
        def.define(PLANT_CRITICAL_DEMAND_FRACTION, Type.DOUBLE, 0.9, Range.between(0.01, 1.0), Importance.MEDIUM,
                "Share of a plant's heat demand (PLANT.HEAT.DEMAND_MW) that is critical when the plant reports no "
                        + "PLANT.HEAT.CRITICAL_DEMAND_MW; HEAT_LOSS (P0 in the runbook) is raised while the heat "
                        + "supply is below the critical demand. Below 1 so that supply following demand within "
                        + "measurement noise does not raise it. Not in the runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Critical demand fraction");
        def.define(PLANT_PRESSURE_LIMIT_BAR, Type.DOUBLE, 45.0, Range.atLeast(0.1), Importance.MEDIUM,
                "Drum pressure limit in bar of a boiler that reports no <boiler>.DRUM.PRESSURE_LIMIT_BAR; "
                        + "PRESSURE_HIGH is raised above it (runbook: boiler pressure alarms escalate at once). "
                        + "Not in the runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Pressure limit (bar)");
        def.define(PLANT_MIN_EFFICIENCY, Type.DOUBLE, 0.85, Range.between(0.0, 1.0), Importance.LOW,
                "Plant efficiency (heat output / fuel input) below which EFFICIENCY_LOW is raised; the runbook's "
                        + "target is heat distribution efficiency above 85%.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Minimum efficiency");
        def.define(PLANT_SCADA_OUTAGE_SECONDS, Type.INT, 30, Range.between(1, 86_400), Importance.MEDIUM,
                "Seconds (wall clock) without telemetry from a plant, or since its bridge reported DISCONNECTED, "
                        + "before SCADA_OUTAGE (P1 in the runbook) is raised. Not in the runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "SCADA outage after (s)");
        def.define(AGENT_HEARTBEAT_INTERVAL_SECONDS, Type.INT, 2, Range.between(1, 3600), Importance.MEDIUM,
                "Seconds between two heartbeats of a sub-agent (GL-002..GL-100): DEGRADED after 2 missed "
                        + "intervals, DOWN after 3; cascade alerts at 5 (warning) and 10 (critical) agents down per "
                        + "plant and group. Not in the runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Agent heartbeat interval (s)");
        def.define(DISPATCH_DEMAND_THRESHOLD_MW, Type.DOUBLE, 1.0, Range.atLeast(0.0), Importance.LOW,
                "Change of a plant's heat demand in MW, from the demand of its last plan, that makes the dispatch "
                        + "planner solve the plant again (a boiler trip or reset always does). Not in the runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Dispatch demand threshold (MW)");
        def.define(DISPATCH_PERIOD_SECONDS, Type.INT, 300, Range.between(1, 86_400), Importance.LOW,
                "Seconds after which the dispatch planner solves every plant again without a trigger. Not in the "
                        + "runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Dispatch period (s)");
        def.define(DISPATCH_SOLVE_TIMEOUT_MS, Type.INT, 1000, Range.between(10, 600_000), Importance.LOW,
                "Time bound of one dispatch solve in milliseconds; a solve cut short publishes its best plan as "
                        + "FEASIBLE with its optimality gap. The runbook's target is p95 < 5 s.",
                GROUP_PROCESS_HEAT, ++order, Width.SHORT, "Dispatch solve timeout (ms)");
        def.define(DISPATCH_FLEET_PATH, Type.STRING, "", Importance.MEDIUM,
                "YAML file with each plant's boilers for the dispatch planner (plants: {<plant_id>: {critical_share, "
                        + "carbon_price_per_tonne, boilers: [{id, capacity_mw, min_stable_mw, ramp_mw, start_cost, "
                        + "fuel_cost_per_mwh, emissions_kg_per_mwh, critical}]}}). Empty: no plant is planned "
                        + "(gl local up and gl demo plan their simulated plants). Not in the runbook.",
                GROUP_PROCESS_HEAT, ++order, Width.LONG, "Dispatch fleet file");

        // SCADA write-back
        order = 0;
        def.define(DISPATCH_CLOSED_LOOP_PLANTS, Type.LIST, "", Importance.HIGH,
                "Comma-separated plant ids whose dispatch plans the planner publishes with advisory=false; plans "
                        + "of every other plant are advisory. A non-advisory plan is written to the plant only "
                        + "where the plant's tag map also sets write_back.enabled (see docs/scada-write-back.md). "
                        + "Empty (the default): every plan is advisory. Not in the runbook.",
                GROUP_SCADA_WRITE_BACK, ++order, Width.LONG, "Closed-loop dispatch plants");

        // SCADA bridge
        order = 0;
        def.define(SCADA_SPOOL_DIR, Type.STRING, "/var/lib/greenlang/scada-spool", new NonEmptyString(),
                Importance.MEDIUM,
                "Directory where scada-bridge keeps telemetry while Kafka is unreachable, one subdirectory per "
                        + "plant (<dir>/<plant_id>), sent in order and flagged historical once Kafka is back. Must "
                        + "survive a restart of the bridge (a volume, not the container's file system): batches "
                        + "still there are sent when it starts. Not in the runbook.",
                GROUP_SCADA, ++order, Width.LONG, "SCADA spool directory");
        def.define(SCADA_SPOOL_MAX_BYTES, Type.LONG, 256L * 1024 * 1024, Range.atLeast(64 * 1024), Importance.MEDIUM,
                "Most bytes one plant's spool may take on disk. When it is full, further batches are lost: "
                        + "counted in gl_scada_spool_losses_total, logged, and reported on gl.scada.telemetry "
                        + "(lost_batches, lost_samples) once Kafka is back. Size: the longest Kafka outage to ride "
                        + "through x batches per second x bytes per batch (docs/scada-bridge.md). Not in the runbook.",
                GROUP_SCADA, ++order, Width.SHORT, "SCADA spool size (bytes)");
        return def;
    }

    /** LIST validator: at least one non-blank entry. */
    private static final class NonEmptyList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof List<?> list) || list.isEmpty()
                    || list.stream().anyMatch(e -> e == null || e.toString().isBlank())) {
                throw new ConfigException(name, value, "must be a non-empty comma-separated list");
            }
        }

        @Override
        public String toString() {
            return "non-empty comma-separated list";
        }
    }

    /** STRING validator: a lower-case PostgreSQL identifier, safe to quote into DDL. */
    private static final class SqlIdentifier implements ConfigDef.Validator {
        private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof String text) || !IDENTIFIER.matcher(text).matches()) {
                throw new ConfigException(name, value, "must be " + this);
            }
        }

        @Override
        public String toString() {
            return "a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)";
        }
    }

    // ------------------------------------------------------------------ loading

    /**
     * Loads the configuration: the {@code GL_*} entries of {@code env}, overridden by the entries of the
     * properties file if one is given, over the declared defaults.
     *
     * @param env            the process environment (pass {@code System.getenv()}); entries not starting with
     *                       {@code GL_} are ignored
     * @param propertiesFile optional properties file using the same key names; its keys must start with
     *                       {@code GL_}
     * @return the validated configuration
     * @throws GlConfigException naming every bad key, its value and the allowed values, or the unreadable file
     */
    public static GlConfig load(Map<String, String> env, Optional<Path> propertiesFile) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(propertiesFile, "propertiesFile");
        Map<String, String> merged = new TreeMap<>();
        env.forEach((key, value) -> {
            if (key != null && key.startsWith(PREFIX) && value != null) {
                merged.put(key, value);
            }
        });
        String source = "the environment";
        if (propertiesFile.isPresent()) {
            Path file = propertiesFile.get();
            merged.putAll(readProperties(file));
            source = "the environment and " + file;
        }
        List<GlConfigException.Problem> problems = validate(merged);
        if (!problems.isEmpty()) {
            throw new GlConfigException(source, problems);
        }
        GlConfig config = new GlConfig(merged);
        Set<String> ignored = new TreeSet<>(merged.keySet());
        ignored.removeAll(CONFIG.names());
        ignored.removeIf(key -> key.startsWith(KAFKA_PREFIX));
        if (!ignored.isEmpty()) {
            log.info("Ignoring GL_* settings that no GreenLang service reads: {}", ignored);
        }
        if (!config.kafkaPassThrough.isEmpty()) {
            log.info("Kafka client pass-through properties (values not logged): {}",
                    config.kafkaPassThrough.keySet());
        }
        return config;
    }

    /**
     * The configuration with every key at its default. For tests and tools; services use
     * {@link #load(Map, Optional)}.
     */
    public static GlConfig defaults() {
        return load(Map.of(), Optional.empty());
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new GlConfigException("Cannot read GreenLang properties file " + file + ": " + e);
        }
        Map<String, String> values = new TreeMap<>();
        List<String> foreign = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                foreign.add(key);
            }
            values.put(key, properties.getProperty(key));
        }
        if (!foreign.isEmpty()) {
            Collections.sort(foreign);
            throw new GlConfigException("Properties file " + file + " has keys that are not GreenLang settings: "
                    + foreign + ". Keys are the environment variable names, e.g. GL_MAX_PARALLEL_STEPS; Kafka "
                    + "client properties go as GL_KAFKA_<PROPERTY> (bootstrap.servers -> "
                    + KAFKA_BOOTSTRAP_SERVERS + ").");
        }
        return values;
    }

    /** Parses and validates each given key on its own so that every problem is reported at once. */
    private static List<GlConfigException.Problem> validate(Map<String, String> values) {
        List<GlConfigException.Problem> problems = new ArrayList<>();
        for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
            if (!values.containsKey(key.name)) {
                continue;
            }
            String raw = values.get(key.name);
            try {
                Object parsed = ConfigDef.parseType(key.name, raw, key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(key.name, parsed);
                }
            } catch (ConfigException e) {
                String shown = key.type == Type.PASSWORD ? Password.HIDDEN : raw;
                problems.add(new GlConfigException.Problem(key.name, shown, allowedValues(key),
                        reason(e.getMessage(), key.name)));
            }
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(KAFKA_PREFIX) && !e.getKey().equals(KAFKA_BOOTSTRAP_SERVERS)
                    && e.getKey().length() == KAFKA_PREFIX.length()) {
                problems.add(new GlConfigException.Problem(e.getKey(), "[hidden]", "GL_KAFKA_<PROPERTY>",
                        "a Kafka pass-through key needs a property name after GL_KAFKA_"));
            }
        }
        return problems;
    }

    /** Strips Kafka's "Invalid value X for configuration NAME: " prefix, which the problem states already. */
    private static String reason(String message, String name) {
        if (message == null) {
            return "invalid value";
        }
        String marker = "for configuration " + name + ":";
        int at = message.indexOf(marker);
        return at >= 0 ? message.substring(at + marker.length()).trim() : message;
    }

    /** What a key accepts, for error messages and the reference: the validator, else the type. */
    static String allowedValues(ConfigDef.ConfigKey key) {
        String type = switch (key.type) {
            case BOOLEAN -> "true or false";
            case INT -> "32-bit integer";
            case LONG -> "64-bit integer";
            case SHORT -> "16-bit integer";
            case DOUBLE -> "number";
            case LIST -> "comma-separated list";
            case PASSWORD -> "string (secret)";
            case CLASS -> "class name";
            case STRING -> "string";
        };
        if (key.validator == null) {
            return type;
        }
        return switch (key.type) {
            case INT, LONG, SHORT, DOUBLE -> type + " in " + key.validator;
            default -> key.validator.toString();
        };
    }

    // ------------------------------------------------------------------ Kafka pass-through

    /**
     * The GreenLang key that passes {@code kafkaProperty} through to Kafka clients, in the style of
     * {@code StreamsConfig.producerPrefix()}: {@code kafkaPrefix("security.protocol")} is
     * {@code GL_KAFKA_SECURITY_PROTOCOL}.
     *
     * @param kafkaProperty a Kafka client property such as {@code security.protocol}
     * @return the environment variable name
     */
    public static String kafkaPrefix(String kafkaProperty) {
        return KAFKA_PREFIX + kafkaProperty.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * The inverse of {@link #kafkaPrefix(String)}: {@code GL_KAFKA_SECURITY_PROTOCOL} to
     * {@code security.protocol}. Kafka property names are lower-case words joined by dots, so the mapping is
     * exact for every property that has no {@code _} or {@code -} in its name.
     *
     * @param key a key starting with {@code GL_KAFKA_}
     * @return the Kafka client property
     */
    public static String kafkaProperty(String key) {
        if (!key.startsWith(KAFKA_PREFIX) || key.length() == KAFKA_PREFIX.length()) {
            throw new IllegalArgumentException("Not a Kafka pass-through key: " + key);
        }
        return key.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private Map<String, Object> collectKafkaPassThrough() {
        Map<String, Object> result = new TreeMap<>();
        String bootstrapSuffix = KAFKA_BOOTSTRAP_SERVERS.substring(KAFKA_PREFIX.length());
        originalsWithPrefix(KAFKA_PREFIX, true).forEach((suffix, value) -> {
            if (!suffix.equals(bootstrapSuffix)) {
                result.put(kafkaProperty(KAFKA_PREFIX + suffix), value);
            }
        });
        return Collections.unmodifiableMap(result);
    }

    /**
     * The {@code GL_KAFKA_*} pass-through properties, already renamed to Kafka property names, without
     * {@code bootstrap.servers}. Values may be secrets (SASL JAAS config): never log them.
     */
    public Map<String, Object> kafkaPassThrough() {
        return kafkaPassThrough;
    }

    /**
     * Properties common to every Kafka client: {@code bootstrap.servers} from {@link #KAFKA_BOOTSTRAP_SERVERS}
     * plus every pass-through property (which wins, so {@code GL_KAFKA_BOOTSTRAP_SERVERS} is the only way to set
     * the servers). Client-kind defaults (idempotence, isolation level, ...) are added by
     * {@link io.greenlang.common.kafka.KafkaClients}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", String.join(",", kafkaBootstrapServers()));
        props.putAll(kafkaPassThrough);
        return props;
    }

    // ------------------------------------------------------------------ reference docs

    /**
     * A copy of the declarations, for tools (the CLI's {@code gl config docs}, validation of a file before a
     * deploy). Changing the copy changes nothing here.
     */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /**
     * The configuration reference as Markdown, one table per group and one row per key (name, type, default,
     * valid values, importance, documentation). {@code docs/config.md} is this text.
     *
     * @return the Markdown document
     */
    public static String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from io.greenlang.common.config.GlConfig by `gl config docs`; do not edit. -->\n\n")
                .append("Every GreenLang service reads these settings from environment variables (runbook §2.2). ")
                .append("A properties file with the same key names, if given, overrides the environment; a key ")
                .append("set nowhere takes its default. A bad value stops the service at start-up with a message ")
                .append("naming the key, the value and the allowed values.\n\n")
                .append("**Kafka pass-through.** Any `GL_KAFKA_<PROPERTY>` is given to every Kafka client as ")
                .append("`<property>` lower-cased with `_` replaced by `.`: `GL_KAFKA_SECURITY_PROTOCOL=SASL_SSL` ")
                .append("becomes `security.protocol=SASL_SSL`. Pass-through values override the platform's client ")
                .append("defaults (idempotent producers with `acks=all`, `read_committed` consumers without auto ")
                .append("commit, `exactly_once_v2` Streams).\n\n")
                .append("**Not used here.** Redis is replaced by Kafka, so the runbook's `GL_REDIS_*` settings do ")
                .append("not exist; nor do `GL_ENABLE_LEGACY_FALLBACK` (no legacy HTTP adapter) and `GL_TRACE_*` ")
                .append("(tracing not implemented yet). They are ignored if set.\n");
        Map<String, List<ConfigDef.ConfigKey>> byGroup = new LinkedHashMap<>();
        for (ConfigDef.ConfigKey key : CONFIG.configKeys().values()) {
            byGroup.computeIfAbsent(key.group == null ? "Other" : key.group, g -> new ArrayList<>()).add(key);
        }
        byGroup.forEach((group, keys) -> {
            md.append("\n## ").append(group).append("\n\n")
                    .append("| Name | Type | Default | Valid values | Importance | Description |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (ConfigDef.ConfigKey key : keys) {
                md.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(markdownDefault(key)).append(" | ")
                        .append(cell(key.validator == null
                                ? (key.type == Type.BOOLEAN ? "true, false" : "") : key.validator.toString()))
                        .append(" | ")
                        .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(key.documentation)).append(" |\n");
            }
        });
        return md.toString();
    }

    private static String markdownDefault(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "(none)";
        }
        String text = ConfigDef.convertToString(value, key.type);
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    /** A Markdown table cell: no pipes or line breaks, and no text a renderer would take as HTML or emphasis. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")
                .replace("\n", " ");
    }

    // ------------------------------------------------------------------ typed getters

    /** {@link #SERVICE_NAME}. */
    public String serviceName() {
        return getString(SERVICE_NAME);
    }

    /** {@link #ENVIRONMENT}. */
    public DeploymentEnvironment environment() {
        return environment;
    }

    /** {@link #LOG_LEVEL}. */
    public LogLevel logLevel() {
        return logLevel;
    }

    /** {@link #K8S_NAMESPACE}. */
    public String k8sNamespace() {
        return getString(K8S_NAMESPACE);
    }

    /** {@link #K8S_SERVICE_ACCOUNT}. */
    public String k8sServiceAccount() {
        return getString(K8S_SERVICE_ACCOUNT);
    }

    /** {@link #K8S_IMAGE_PULL_SECRETS}, blank entries removed. */
    public List<String> k8sImagePullSecrets() {
        return getList(K8S_IMAGE_PULL_SECRETS).stream().filter(s -> !s.isBlank()).toList();
    }

    /** {@link #K8S_JOB_TTL_SECONDS}. */
    public Duration k8sJobTtl() {
        return Duration.ofSeconds(getInt(K8S_JOB_TTL_SECONDS));
    }

    /** {@link #K8S_ACTIVE_DEADLINE_SECONDS}. */
    public Duration k8sActiveDeadline() {
        return Duration.ofSeconds(getInt(K8S_ACTIVE_DEADLINE_SECONDS));
    }

    /** {@link #K8S_BACKOFF_LIMIT}. */
    public int k8sBackoffLimit() {
        return getInt(K8S_BACKOFF_LIMIT);
    }

    /** {@link #K8S_IN_CLUSTER}. */
    public boolean k8sInCluster() {
        return getBoolean(K8S_IN_CLUSTER);
    }

    /** {@link #S3_BUCKET}. */
    public String s3Bucket() {
        return getString(S3_BUCKET);
    }

    /** {@link #S3_REGION}. */
    public String s3Region() {
        return getString(S3_REGION);
    }

    /** {@link #S3_ENDPOINT}; empty for AWS. */
    public Optional<URI> s3Endpoint() {
        String endpoint = getString(S3_ENDPOINT);
        return endpoint == null || endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint));
    }

    /** {@link #S3_ACCESS_KEY_ID}; empty for the default credential chain. */
    public Optional<String> s3AccessKeyId() {
        return nonBlank(getString(S3_ACCESS_KEY_ID));
    }

    /** {@link #S3_SECRET_ACCESS_KEY}; empty when not set. */
    public Optional<Password> s3SecretAccessKey() {
        return nonBlank(getPassword(S3_SECRET_ACCESS_KEY));
    }

    /** {@link #S3_USE_SSL}. */
    public boolean s3UseSsl() {
        return getBoolean(S3_USE_SSL);
    }

    /** {@link #S3_VERIFY_SSL}. */
    public boolean s3VerifySsl() {
        return getBoolean(S3_VERIFY_SSL);
    }

    /** {@link #POSTGRES_HOST}. */
    public String postgresHost() {
        return getString(POSTGRES_HOST);
    }

    /** {@link #POSTGRES_PORT}. */
    public int postgresPort() {
        return getInt(POSTGRES_PORT);
    }

    /** {@link #POSTGRES_USER}. */
    public String postgresUser() {
        return getString(POSTGRES_USER);
    }

    /** {@link #POSTGRES_PASSWORD}; empty when not set. */
    public Optional<Password> postgresPassword() {
        return nonBlank(getPassword(POSTGRES_PASSWORD));
    }

    /** {@link #POSTGRES_DATABASE}. */
    public String postgresDatabase() {
        return getString(POSTGRES_DATABASE);
    }

    /** {@link #POSTGRES_POOL_SIZE}. */
    public int postgresPoolSize() {
        return getInt(POSTGRES_POOL_SIZE);
    }

    /** {@link #POSTGRES_MAX_OVERFLOW}. */
    public int postgresMaxOverflow() {
        return getInt(POSTGRES_MAX_OVERFLOW);
    }

    /** {@link #AUDIT_TOPICS}, blank entries removed. */
    public List<String> auditTopics() {
        return getList(AUDIT_TOPICS).stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    /** {@link #AUDIT_SCHEMA}. */
    public String auditSchema() {
        return getString(AUDIT_SCHEMA);
    }

    /** {@link #AUDIT_VERIFY_INTERVAL_SECONDS}; zero when the periodic verifier is off. */
    public Duration auditVerifyInterval() {
        return Duration.ofSeconds(getInt(AUDIT_VERIFY_INTERVAL_SECONDS));
    }

    /** {@link #AUDIT_DB_URL} as given; empty when not set. */
    public Optional<Password> auditDbUrl() {
        return nonBlank(getPassword(AUDIT_DB_URL));
    }

    /**
     * The audit store connection: from {@link #AUDIT_DB_URL} when set (its user-info, if any, wins over
     * {@code GL_POSTGRES_USER/PASSWORD}), else from {@code GL_POSTGRES_HOST/PORT/DATABASE}.
     */
    public PostgresConnection postgresConnection() {
        String user = postgresUser();
        Password password = postgresPassword().orElse(new Password(""));
        String jdbcUrl = "jdbc:postgresql://" + postgresHost() + ":" + postgresPort() + "/" + postgresDatabase();
        Optional<Password> url = auditDbUrl();
        if (url.isPresent()) {
            PostgresConnection.ParsedUrl parsed = PostgresConnection.parseUrl(url.get().value().trim());
            jdbcUrl = parsed.jdbcUrl();
            user = parsed.user().orElse(user);
            password = parsed.password().map(Password::new).orElse(password);
        }
        return new PostgresConnection(jdbcUrl, user, password, postgresPoolSize(), postgresMaxOverflow());
    }

    /** {@link #OPA_ENABLED}. */
    public boolean opaEnabled() {
        return getBoolean(OPA_ENABLED);
    }

    /** {@link #OPA_URL}. */
    public URI opaUrl() {
        return URI.create(getString(OPA_URL));
    }

    /** {@link #OPA_TIMEOUT_SECONDS}. */
    public Duration opaTimeout() {
        return Duration.ofSeconds(getInt(OPA_TIMEOUT_SECONDS));
    }

    /** {@link #OPA_RETRY_COUNT}. */
    public int opaRetryCount() {
        return getInt(OPA_RETRY_COUNT);
    }

    /** {@link #YAML_RULES_ENABLED}. */
    public boolean yamlRulesEnabled() {
        return getBoolean(YAML_RULES_ENABLED);
    }

    /** {@link #YAML_RULES_PATH}. */
    public Path yamlRulesPath() {
        return Path.of(getString(YAML_RULES_PATH));
    }

    /** {@link #POLICY_DEFAULT_ACTION}. */
    public PolicyAction policyDefaultAction() {
        return policyDefaultAction;
    }

    /** {@link #POLICY_STRICT_MODE}. */
    public boolean policyStrictMode() {
        return getBoolean(POLICY_STRICT_MODE);
    }

    /** {@link #POLICY_CACHE_TTL_SECONDS}. */
    public Duration policyCacheTtl() {
        return Duration.ofSeconds(getInt(POLICY_CACHE_TTL_SECONDS));
    }

    /** {@link #MAX_PARALLEL_STEPS}. */
    public int maxParallelSteps() {
        return getInt(MAX_PARALLEL_STEPS);
    }

    /** {@link #MAX_TENANT_PARALLEL_STEPS}. */
    public int maxTenantParallelSteps() {
        return getInt(MAX_TENANT_PARALLEL_STEPS);
    }

    /** {@link #DEFAULT_TIMEOUT_SECONDS}. */
    public Duration defaultStepTimeout() {
        return Duration.ofSeconds(getInt(DEFAULT_TIMEOUT_SECONDS));
    }

    /** {@link #DEFAULT_CPU_LIMIT}, a Kubernetes quantity such as {@code 1} or {@code 500m}. */
    public String defaultCpuLimit() {
        return getString(DEFAULT_CPU_LIMIT);
    }

    /** {@link #DEFAULT_MEMORY_LIMIT}, a Kubernetes quantity such as {@code 2Gi}. */
    public String defaultMemoryLimit() {
        return getString(DEFAULT_MEMORY_LIMIT);
    }

    /** {@link #EXECUTOR}: {@code local} or {@code kubernetes}. */
    public String executor() {
        return getString(EXECUTOR);
    }

    /** {@link #AGENT_COMMAND}; empty for the built-in default. */
    public List<String> agentCommand() {
        return getList(AGENT_COMMAND).stream().filter(s -> !s.isBlank()).toList();
    }

    /** {@link #AGENT_IMAGE}. */
    public String agentImage() {
        return getString(AGENT_IMAGE);
    }

    /** {@link #WORKER_STATE_DIR}. */
    public Path workerStateDir() {
        return Path.of(getString(WORKER_STATE_DIR));
    }

    /** {@link #STEP_HEARTBEAT_SECONDS}. */
    public Duration stepHeartbeatInterval() {
        return Duration.ofSeconds(getInt(STEP_HEARTBEAT_SECONDS));
    }

    /** {@link #METRICS_PORT}; 0 means any free port. */
    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    /** {@link #HEALTH_PORT}; 0 means any free port. */
    public int healthPort() {
        return getInt(HEALTH_PORT);
    }

    /** {@link #GATEWAY_SCHEMA}. */
    public String gatewaySchema() {
        return getString(GATEWAY_SCHEMA);
    }

    /** {@link #API_RATE_LIMIT_PER_MINUTE}; 0 when the limit is off. */
    public int apiRateLimitPerMinute() {
        return getInt(API_RATE_LIMIT_PER_MINUTE);
    }

    /** {@link #OIDC_JWKS_URL}; empty when bearer tokens are not accepted. */
    public Optional<String> oidcJwksUrl() {
        return nonBlankString(getString(OIDC_JWKS_URL));
    }

    /** {@link #OIDC_ISSUER}; empty when any issuer of the JWKS is accepted. */
    public Optional<String> oidcIssuer() {
        return nonBlankString(getString(OIDC_ISSUER));
    }

    /** {@link #OIDC_AUDIENCE}; empty when any audience is accepted. */
    public Optional<String> oidcAudience() {
        return nonBlankString(getString(OIDC_AUDIENCE));
    }

    /** {@link #OUTBOX_SLOT_NAME}. */
    public String outboxSlotName() {
        return getString(OUTBOX_SLOT_NAME);
    }

    /** {@link #OUTBOX_POLL_INTERVAL_MS}. */
    public Duration outboxPollInterval() {
        return Duration.ofMillis(getInt(OUTBOX_POLL_INTERVAL_MS));
    }

    /** {@link #LAG_SAMPLE_SECONDS}. */
    public Duration lagSampleInterval() {
        return Duration.ofSeconds(getInt(LAG_SAMPLE_SECONDS));
    }

    /** {@link #LAG_WINDOW_SAMPLES}. */
    public int lagWindowSamples() {
        return getInt(LAG_WINDOW_SAMPLES);
    }

    /** {@link #PLANT_CRITICAL_DEMAND_FRACTION}. */
    public double plantCriticalDemandFraction() {
        return getDouble(PLANT_CRITICAL_DEMAND_FRACTION);
    }

    /** {@link #PLANT_PRESSURE_LIMIT_BAR}. */
    public double plantPressureLimitBar() {
        return getDouble(PLANT_PRESSURE_LIMIT_BAR);
    }

    /** {@link #PLANT_MIN_EFFICIENCY}. */
    public double plantMinEfficiency() {
        return getDouble(PLANT_MIN_EFFICIENCY);
    }

    /** {@link #PLANT_SCADA_OUTAGE_SECONDS}. */
    public Duration plantScadaOutageAfter() {
        return Duration.ofSeconds(getInt(PLANT_SCADA_OUTAGE_SECONDS));
    }

    /** {@link #AGENT_HEARTBEAT_INTERVAL_SECONDS}. */
    public Duration agentHeartbeatInterval() {
        return Duration.ofSeconds(getInt(AGENT_HEARTBEAT_INTERVAL_SECONDS));
    }

    /** {@link #DISPATCH_DEMAND_THRESHOLD_MW}. */
    public double dispatchDemandThresholdMw() {
        return getDouble(DISPATCH_DEMAND_THRESHOLD_MW);
    }

    /** {@link #DISPATCH_PERIOD_SECONDS}. */
    public Duration dispatchPeriod() {
        return Duration.ofSeconds(getInt(DISPATCH_PERIOD_SECONDS));
    }

    /** {@link #DISPATCH_SOLVE_TIMEOUT_MS}. */
    public Duration dispatchSolveTimeout() {
        return Duration.ofMillis(getInt(DISPATCH_SOLVE_TIMEOUT_MS));
    }

    /** {@link #DISPATCH_FLEET_PATH}; empty when not set. */
    public Optional<Path> dispatchFleetPath() {
        return nonBlankString(getString(DISPATCH_FLEET_PATH)).map(Path::of);
    }

    /** {@link #DISPATCH_CLOSED_LOOP_PLANTS}, blank entries removed. */
    public Set<String> dispatchClosedLoopPlants() {
        return getList(DISPATCH_CLOSED_LOOP_PLANTS).stream().map(String::trim).filter(p -> !p.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** {@link #SCADA_SPOOL_DIR}; a plant's spool is its subdirectory named after the plant id. */
    public Path scadaSpoolDir() {
        return Path.of(getString(SCADA_SPOOL_DIR));
    }

    /** {@link #SCADA_SPOOL_MAX_BYTES}. */
    public long scadaSpoolMaxBytes() {
        return getLong(SCADA_SPOOL_MAX_BYTES);
    }

    private static Optional<String> nonBlankString(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** {@link #KAFKA_BOOTSTRAP_SERVERS}. */
    public List<String> kafkaBootstrapServers() {
        return List.copyOf(getList(KAFKA_BOOTSTRAP_SERVERS));
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Password> nonBlank(Password value) {
        return value == null || value.value() == null || value.value().isBlank()
                ? Optional.empty() : Optional.of(value);
    }
}
