package io.greenlang.common.error;

import static io.greenlang.common.error.ErrorCategory.EXECUTION;
import static io.greenlang.common.error.ErrorCategory.INFRASTRUCTURE;
import static io.greenlang.common.error.ErrorCategory.INPUT;
import static io.greenlang.common.error.ErrorCategory.POLICY;
import static io.greenlang.common.error.ErrorClass.AGENT_BUG;
import static io.greenlang.common.error.ErrorClass.POLICY_DENIED;
import static io.greenlang.common.error.ErrorClass.RESOURCE;
import static io.greenlang.common.error.ErrorClass.TRANSIENT;
import static io.greenlang.common.error.ErrorClass.USER_CONFIG;
import static io.greenlang.common.error.RetryPolicy.BOUNDED;
import static io.greenlang.common.error.RetryPolicy.EXPONENTIAL;
import static io.greenlang.common.error.RetryPolicy.NONE;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The error catalogue: every code of the runbook §6.1 to §6.5, with the runbook's description and fix text, the
 * {@link ErrorClass} of its section, the {@link RetryPolicy} of the runbook's Retry column and the HTTP status
 * the API answers with. Every failure a user sees carries one of these codes (through
 * {@link GreenLangException}); {@code docs/errors.md} is {@link #toMarkdown()} and {@code gl errors explain}
 * prints {@link #explain()}.
 *
 * <p>Decisions the runbook leaves open, taken here once:
 * <ul>
 *   <li>Retry: codes in sections without a Retry column are {@link RetryPolicy#NONE};
 *       {@code GL-E-K8S-EVICTION} says only "Yes" and is {@link RetryPolicy#BOUNDED} (an eviction is retried a
 *       few times, not indefinitely, because repeated evictions point at a capacity problem).</li>
 *   <li>Class in §6.2: retryable codes are {@link ErrorClass#TRANSIENT}, non-retryable ones
 *       {@link ErrorClass#AGENT_BUG}. In §6.4: memory, quota and job-deadline failures are
 *       {@link ErrorClass#RESOURCE} (the step exceeded a limit); image pull, eviction, scheduling, S3 and
 *       database failures are {@link ErrorClass#INFRASTRUCTURE}.</li>
 *   <li>HTTP status: 400 for a document that cannot be read, 422 for a well-formed but invalid one, 404 for a
 *       missing dataset or object, 403 for policy, RBAC and tenant refusals, 429 for rate limits, 502 when
 *       an upstream (agent, API, registry, S3) failed or answered badly, 503 when a dependency is unavailable,
 *       504 for an upstream timeout, 500 for the orchestrator's own faults.</li>
 * </ul>
 *
 * <p>The set of codes, their descriptions and fixes are checked against the runbook text by
 * {@code ErrorCodeRunbookTest}: change the runbook and this enum together. Never add a code that the runbook
 * does not have, and never reuse a code for a different meaning.
 */
public enum ErrorCode {

    // ---------------------------------------------------------------- §6.1 Input errors (USER_CONFIG)

    /** YAML that does not parse: 400. */
    YAML_INVALID("GL-E-YAML-INVALID", INPUT, USER_CONFIG, NONE, 400,
            "YAML syntax error", "Validate YAML with `greenlang pipeline validate`"),
    /** Well-formed YAML that violates the pipeline schema: 422. */
    YAML_SCHEMA("GL-E-YAML-SCHEMA", INPUT, USER_CONFIG, NONE, 422,
            "Schema validation failed", "Check pipeline schema documentation"),
    /** A pipeline {@code apiVersion} this platform does not support: 422. */
    YAML_VERSION("GL-E-YAML-VERSION", INPUT, USER_CONFIG, NONE, 422,
            "Unsupported pipeline version", "Update to supported version"),
    /** 422. */
    DAG_CYCLE("GL-E-DAG-CYCLE", INPUT, USER_CONFIG, NONE, 422,
            "Circular dependency detected", "Remove cycle from step dependencies"),
    /** 422. */
    DAG_ORPHAN("GL-E-DAG-ORPHAN", INPUT, USER_CONFIG, NONE, 422,
            "Step not connected to output", "Connect step or remove it"),
    /** 422. */
    DAG_MISSING_DEP("GL-E-DAG-MISSING-DEP", INPUT, USER_CONFIG, NONE, 422,
            "Missing dependency reference", "Add missing step or fix reference"),
    /** 422. */
    PARAM_MISSING("GL-E-PARAM-MISSING", INPUT, USER_CONFIG, NONE, 422,
            "Required parameter missing", "Add parameter to pipeline"),
    /** 422. */
    PARAM_TYPE("GL-E-PARAM-TYPE", INPUT, USER_CONFIG, NONE, 422,
            "Parameter type mismatch", "Fix parameter type"),
    /** 422. */
    PARAM_RANGE("GL-E-PARAM-RANGE", INPUT, USER_CONFIG, NONE, 422,
            "Parameter out of range", "Adjust value to valid range"),
    /** A referenced input dataset does not exist: 404. */
    DATA_NOT_FOUND("GL-E-DATA-NOT-FOUND", INPUT, USER_CONFIG, NONE, 404,
            "Input dataset not found", "Verify dataset path"),
    /** 422. */
    DATA_SCHEMA("GL-E-DATA-SCHEMA", INPUT, USER_CONFIG, NONE, 422,
            "Input data schema mismatch", "Fix input data format"),

    // ---------------------------------------------------------------- §6.2 Execution errors (AGENT_BUG / TRANSIENT)

    /** Not retryable, so AGENT_BUG; the agent (an upstream of the orchestrator) failed: 502. */
    AGENT_CRASH("GL-E-AGENT-CRASH", EXECUTION, AGENT_BUG, NONE, 502,
            "Agent crashed", "Check agent logs, fix code"),
    /** Retryable (bounded), so TRANSIENT; 504. */
    AGENT_TIMEOUT("GL-E-AGENT-TIMEOUT", EXECUTION, TRANSIENT, BOUNDED, 504,
            "Agent timed out", "Increase timeout, optimize agent"),
    /** Not retryable, so AGENT_BUG; the agent answered badly: 502. */
    AGENT_OUTPUT_INVALID("GL-E-AGENT-OUTPUT-INVALID", EXECUTION, AGENT_BUG, NONE, 502,
            "Invalid agent output", "Fix agent output schema"),
    /** TRANSIENT, 504. */
    NETWORK_TIMEOUT("GL-E-NETWORK-TIMEOUT", EXECUTION, TRANSIENT, EXPONENTIAL, 504,
            "Network timeout", "Transient, retry"),
    /** TRANSIENT; the peer is not accepting connections: 503. */
    NETWORK_REFUSED("GL-E-NETWORK-REFUSED", EXECUTION, TRANSIENT, EXPONENTIAL, 503,
            "Connection refused", "Check service health"),
    /** TRANSIENT, 429. */
    API_RATE_LIMIT("GL-E-API-RATE-LIMIT", EXECUTION, TRANSIENT, EXPONENTIAL, 429,
            "Rate limit exceeded", "Backoff, request limit increase"),
    /** TRANSIENT; an upstream API answered 5xx: 502. */
    API_5XX("GL-E-API-5XX", EXECUTION, TRANSIENT, EXPONENTIAL, 502,
            "Server error", "Transient, retry"),

    // ---------------------------------------------------------------- §6.3 Policy errors (POLICY_DENIED)

    /** 403. */
    OPA_DENY("GL-E-OPA-DENY", POLICY, POLICY_DENIED, NONE, 403,
            "OPA policy denied", "Review policy, request exception"),
    /** 403. */
    YAML_POLICY("GL-E-YAML-POLICY", POLICY, POLICY_DENIED, NONE, 403,
            "YAML rule violated", "Modify pipeline to comply"),
    /** 403. */
    RBAC_DENIED("GL-E-RBAC-DENIED", POLICY, POLICY_DENIED, NONE, 403,
            "RBAC permission denied", "Request required permission"),
    /** 403 (not 404: the caller is told the boundary exists, not whether the resource does). */
    TENANT_ISOLATION("GL-E-TENANT-ISOLATION", POLICY, POLICY_DENIED, NONE, 403,
            "Cross-tenant access", "Use resources in your tenant"),
    /** 403. */
    DATA_CLASSIFICATION("GL-E-DATA-CLASSIFICATION", POLICY, POLICY_DENIED, NONE, 403,
            "Data classification violation", "Use appropriate data classification"),

    // ---------------------------------------------------------------- §6.4 Infrastructure errors (INFRASTRUCTURE / RESOURCE)

    /** RESOURCE: the step exceeded its memory limit (exit 137). 502: the step's Job failed, not the API. */
    K8S_JOB_OOM("GL-E-K8S-JOB-OOM", INFRASTRUCTURE, RESOURCE, BOUNDED, 502,
            "Out of memory (137)", "Increase memory limit"),
    /** RESOURCE: the step exceeded activeDeadlineSeconds; 504. */
    K8S_JOB_TIMEOUT("GL-E-K8S-JOB-TIMEOUT", INFRASTRUCTURE, RESOURCE, BOUNDED, 504,
            "Job deadline exceeded", "Increase timeout"),
    /** INFRASTRUCTURE: the image registry failed or refused; 502. */
    K8S_IMAGEPULL("GL-E-K8S-IMAGEPULL", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, EXPONENTIAL, 502,
            "Image pull failed", "Check image, credentials"),
    /**
     * INFRASTRUCTURE: node pressure evicted the pod; 503. The runbook's Retry is a bare "Yes": taken as BOUNDED
     * (see the class comment).
     */
    K8S_EVICTION("GL-E-K8S-EVICTION", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, BOUNDED, 503,
            "Pod evicted", "Scale cluster, use QoS"),
    /** RESOURCE: the namespace quota is exhausted; 503 (capacity unavailable for now). */
    K8S_QUOTA("GL-E-K8S-QUOTA", INFRASTRUCTURE, RESOURCE, BOUNDED, 503,
            "Quota exceeded", "Request quota increase"),
    /** INFRASTRUCTURE: no node can take the pod; 503. */
    K8S_SCHEDULING("GL-E-K8S-SCHEDULING", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, EXPONENTIAL, 503,
            "Cannot schedule", "Reduce resources, scale cluster"),
    /**
     * INFRASTRUCTURE: S3 refused the platform's own credentials. 502, not 403: the caller is not the one
     * lacking permission.
     */
    S3_ACCESS_DENIED("GL-E-S3-ACCESS-DENIED", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, NONE, 502,
            "S3 permission denied", "Check IAM permissions"),
    /** INFRASTRUCTURE; 404. */
    S3_NOT_FOUND("GL-E-S3-NOT-FOUND", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, NONE, 404,
            "S3 object not found", "Verify path"),
    /** INFRASTRUCTURE; 504. */
    S3_TIMEOUT("GL-E-S3-TIMEOUT", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, EXPONENTIAL, 504,
            "S3 timeout", "Transient"),
    /** INFRASTRUCTURE; 503. */
    DB_CONNECTION("GL-E-DB-CONNECTION", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, EXPONENTIAL, 503,
            "Database connection failed", "Check DB health"),
    /** INFRASTRUCTURE; 504. */
    DB_TIMEOUT("GL-E-DB-TIMEOUT", INFRASTRUCTURE, ErrorClass.INFRASTRUCTURE, EXPONENTIAL, 504,
            "Database timeout", "Optimize query, check DB"),

    // ---------------------------------------------------------------- §6.5 Internal errors (AGENT_BUG)

    /** 500. */
    INTERNAL("GL-E-INTERNAL", ErrorCategory.INTERNAL, AGENT_BUG, NONE, 500,
            "Internal orchestrator error", "Contact support"),
    /** 500. */
    ASSERTION("GL-E-ASSERTION", ErrorCategory.INTERNAL, AGENT_BUG, NONE, 500,
            "Assertion failed", "Report bug"),
    /**
     * 500. The fix says "Retry, then contact support" but the runbook gives no Retry column for §6.5, so the
     * platform does not retry automatically: the user may resubmit.
     */
    UNEXPECTED("GL-E-UNEXPECTED", ErrorCategory.INTERNAL, AGENT_BUG, NONE, 500,
            "Unexpected error", "Retry, then contact support"),
    /** The agent's result lacks provenance: 502 (the agent answered badly, as for GL-E-AGENT-OUTPUT-INVALID). */
    PROVENANCE_MISSING("GL-E-PROVENANCE-MISSING", ErrorCategory.INTERNAL, AGENT_BUG, NONE, 502,
            "Missing provenance data", "Fix agent to include provenance"),
    /** The result's sha256 does not match its provenance: 502. */
    PROVENANCE_MISMATCH("GL-E-PROVENANCE-MISMATCH", ErrorCategory.INTERNAL, AGENT_BUG, NONE, 502,
            "Hash mismatch", "Check data integrity"),
    /** The audit hash chain does not verify: 500, and a page (alert AuditChainBroken). */
    AUDIT_CHAIN_BROKEN("GL-E-AUDIT-CHAIN-BROKEN", ErrorCategory.INTERNAL, AGENT_BUG, NONE, 500,
            "Audit chain compromised", "CRITICAL: Contact security");

    private static final Map<String, ErrorCode> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

    private final String code;
    private final ErrorCategory category;
    private final ErrorClass errorClass;
    private final RetryPolicy retryPolicy;
    private final int httpStatus;
    private final String description;
    private final String fix;

    ErrorCode(String code, ErrorCategory category, ErrorClass errorClass, RetryPolicy retryPolicy,
              int httpStatus, String description, String fix) {
        this.code = code;
        this.category = category;
        this.errorClass = errorClass;
        this.retryPolicy = retryPolicy;
        this.httpStatus = httpStatus;
        this.description = description;
        this.fix = fix;
    }

    /** The code as users see it, e.g. {@code GL-E-K8S-JOB-OOM}. */
    public String code() {
        return code;
    }

    /** The runbook subsection the code is listed in. */
    public ErrorCategory category() {
        return category;
    }

    /** Who has to act. */
    public ErrorClass errorClass() {
        return errorClass;
    }

    /** How the platform retries a step that failed with this code. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Shorthand for {@code retryPolicy().isRetryable()}. */
    public boolean isRetryable() {
        return retryPolicy.isRetryable();
    }

    /** The HTTP status the API answers with when a request fails with this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The runbook's description, e.g. {@code Out of memory (137)}. */
    public String description() {
        return description;
    }

    /** The runbook's fix, e.g. {@code Increase memory limit}. */
    public String fix() {
        return fix;
    }

    /**
     * Looks a code up by its string, ignoring case and surrounding blanks.
     *
     * @param code e.g. {@code GL-E-K8S-JOB-OOM} or {@code gl-e-k8s-job-oom}
     * @return the code
     * @throws IllegalArgumentException naming the unknown code and how to list the known ones
     */
    public static ErrorCode fromCode(String code) {
        Objects.requireNonNull(code, "code");
        ErrorCode found = BY_CODE.get(code.trim().toUpperCase(Locale.ROOT));
        if (found == null) {
            throw new IllegalArgumentException("Unknown error code '" + code + "': GreenLang codes look like "
                    + "GL-E-K8S-JOB-OOM; see docs/errors.md or run `gl errors list`");
        }
        return found;
    }

    /**
     * What {@code gl errors explain <code>} prints: the code, description, category, class, retry policy, HTTP
     * status and fix.
     *
     * @return a few lines of plain text
     */
    public String explain() {
        return code + ": " + description + "\n"
                + "  category:    " + category.title() + " (" + category.range() + ", runbook §"
                + category.runbookSection() + ")\n"
                + "  class:       " + errorClass + "\n"
                + "  retry:       " + retryPolicy + "\n"
                + "  HTTP status: " + httpStatus + "\n"
                + "  fix:         " + fix + "\n";
    }

    /**
     * The catalogue as Markdown, one table per runbook subsection: {@code docs/errors.md}.
     *
     * @return the Markdown document
     */
    public static String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Error codes\n\n")
                .append("<!-- Generated from io.greenlang.common.error.ErrorCode; do not edit. -->\n\n")
                .append("Every failure a user sees carries one of these codes (runbook §6). `gl errors explain ")
                .append("<code>` prints one entry. Retry: NONE = never retried; BOUNDED = a fixed number of ")
                .append("attempts after a fixed delay; EXPONENTIAL = exponentially growing delays with full ")
                .append("jitter, capped.\n");
        for (ErrorCategory category : ErrorCategory.values()) {
            md.append("\n## ").append(category.range()).append(": ").append(category.title())
                    .append(" (runbook §").append(category.runbookSection()).append(")\n\n")
                    .append("| Code | Class | Retry | HTTP | Description | Fix |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (ErrorCode c : values()) {
                if (c.category == category) {
                    md.append("| `").append(c.code).append("` | ").append(c.errorClass).append(" | ")
                            .append(c.retryPolicy).append(" | ").append(c.httpStatus).append(" | ")
                            .append(cell(c.description)).append(" | ")
                            .append(cell(c.fix)).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /** A Markdown table cell: no pipes, and no text a renderer would take as HTML (code spans are kept). */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }
}
