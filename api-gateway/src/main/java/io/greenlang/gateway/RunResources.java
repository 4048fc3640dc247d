package io.greenlang.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.audit.AuditPackage;
import io.greenlang.audit.AuditPackages;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.RunProjection;
import io.greenlang.audit.StepProjection;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.events.run.RunStatus;
import io.javalin.http.Context;

/**
 * The read side over the audit store: run pages, one run with its steps, its audited events and its audit
 * package. Every value a caller sends reaches SQL only as a bound parameter (inside {@link AuditStore} and
 * {@link AuditPackages}); this class validates parameters and shapes the JSON. It never writes to the store.
 *
 * <p>Tenant isolation: a caller bound to a tenant lists only that tenant's runs ({@code ?tenant=} of another is
 * GL-E-TENANT-ISOLATION) and gets GL-E-TENANT-ISOLATION for another tenant's run, with exactly the answer it gets
 * for a run id that does not exist, so that it cannot learn which run ids exist elsewhere. A caller of every tenant
 * gets GL-E-DATA-NOT-FOUND for an unknown run.
 */
final class RunResources {

    /** Page size when {@code limit} is absent. */
    static final int DEFAULT_LIMIT = 50;
    /** Longest run id, tenant or cursor accepted; longer values are refused before any query. */
    static final int MAX_ID_LENGTH = 256;
    private static final String CURSOR_PREFIX = "r1:";

    private final AuditStore store;
    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final SubmittedRuns submitted;

    RunResources(AuditStore store, DataSource dataSource, ObjectMapper mapper) {
        this(store, dataSource, mapper, SubmittedRuns.NONE);
    }

    RunResources(AuditStore store, DataSource dataSource, ObjectMapper mapper, SubmittedRuns submitted) {
        this.submitted = Objects.requireNonNull(submitted, "submitted");
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** {@code GET /api/v1/runs?status=&tenant=&limit=&cursor=}. */
    void list(Context ctx) {
        int limit = limit(ctx.queryParam("limit"));
        String status = status(ctx.queryParam("status"));
        String tenant = visibleTenant(Principal.of(ctx), bounded("tenant", blankToNull(ctx.queryParam("tenant"))));
        String after = decodeCursor(blankToNull(ctx.queryParam("cursor")));
        // one more than asked tells whether another page exists, without a second query
        int fetch = limit < AuditStore.MAX_RUNS_PAGE ? limit + 1 : limit;
        List<RunProjection> runs = store.runs(status, tenant, fetch, after);
        boolean more = runs.size() > limit || (fetch == limit && runs.size() == limit);
        List<RunProjection> page = runs.size() > limit ? runs.subList(0, limit) : runs;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(RunResources::summary).toList());
        body.put("next_cursor", more && !page.isEmpty() ? encodeCursor(page.get(page.size() - 1).runId()) : null);
        json(ctx, body);
    }

    /** {@code GET /api/v1/runs/{id}}. */
    void get(Context ctx) {
        String runId = runId(ctx);
        RunProjection run = visibleRun(Principal.of(ctx), runId);
        Map<String, Object> body = summary(run);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepProjection step : store.steps(runId)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", step.step());
            s.put("attempt", step.attempt());
            s.put("status", step.status());
            s.put("error_code", step.errorCode());
            s.put("started_at", step.startedAt());
            s.put("finished_at", step.finishedAt());
            s.put("updated_at", step.updatedAt());
            steps.add(s);
        }
        body.put("steps", steps);
        String self = "/api/v1/runs/" + runId;
        body.put("links", Map.of("self", self, "events", self + "/events", "audit_package", self + "/audit-package"));
        json(ctx, body);
    }

    /**
     * {@code GET /api/v1/runs/{id}/events}: every audited event of the run, chains flattened in chain id order,
     * each chain in seq order, as a JSON array (the runbook filters it with {@code jq '.[] | select(...)'}).
     */
    void events(Context ctx) {
        String runId = runId(ctx);
        visibleRun(Principal.of(ctx), runId);
        AuditPackage auditPackage = AuditPackages.build(dataSource, store.schema(), runId);
        List<Map<String, Object>> events = new ArrayList<>();
        for (AuditPackage.Chain chain : auditPackage.chains()) {
            for (AuditPackage.Event event : chain.events()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("chain_id", chain.chainId());
                e.put("seq", event.seq());
                e.put("event_id", event.eventId());
                e.put("event_type", event.eventType());
                e.put("topic", event.topic());
                e.put("partition", event.partition());
                e.put("offset", event.offset());
                e.put("occurred_at", event.occurredAt());
                e.put("recorded_at", event.recordedAt());
                e.put("tenant_id", event.tenantId());
                e.put("prev_hash", event.prevHash());
                e.put("hash", event.hash());
                e.put("event", parse(event.canonicalJson(), chain.chainId(), event.seq()));
                events.add(e);
            }
        }
        json(ctx, events);
    }

    /** {@code GET /api/v1/runs/{id}/audit-package}: exactly what {@link AuditPackages#write} writes. */
    void auditPackage(Context ctx) {
        String runId = runId(ctx);
        visibleRun(Principal.of(ctx), runId);
        AuditPackage auditPackage = AuditPackages.build(dataSource, store.schema(), runId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditPackages.write(auditPackage, out);
        ctx.contentType("application/json").result(out.toByteArray());
    }

    /**
     * The run if the caller may see it: from the audit store, else as accepted by the gateway (not yet audited).
     * Unknown and foreign runs are refused identically for a tenant-bound caller
     * (same code, detail and details), so the answer never tells whether the id exists in another tenant.
     */
    RunProjection visibleRun(Principal caller, String runId) {
        Optional<RunProjection> run = store.run(runId).or(() -> submitted.find(runId))
                .filter(found -> caller.canSee(found.tenantId()));
        if (run.isPresent()) {
            return run.get();
        }
        if (caller.allTenants()) {
            throw new GreenLangException(ErrorCode.DATA_NOT_FOUND, "No run " + runId + " in the audit store", null,
                    Map.of("run_id", runId));
        }
        throw new GreenLangException(ErrorCode.TENANT_ISOLATION, "Run " + runId + " is not visible to tenant "
                + caller.tenant(), null, Map.of("run_id", runId));
    }

    /**
     * The tenant filter of a run list: the requested one for a caller of every tenant, the caller's own for a
     * tenant-bound caller.
     *
     * @throws GreenLangException GL-E-TENANT-ISOLATION when a tenant-bound caller asks for another tenant
     */
    static String visibleTenant(Principal caller, String requested) {
        if (caller.allTenants()) {
            return requested;
        }
        if (requested != null && !requested.equals(caller.tenant())) {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION, "Tenant " + requested
                    + " is not visible to tenant " + caller.tenant(), null, Map.of("tenant", requested));
        }
        return caller.tenant();
    }

    private JsonNode parse(String canonicalJson, String chainId, long seq) {
        try {
            return mapper.readTree(canonicalJson);
        } catch (IOException e) {
            throw new GreenLangException(ErrorCode.DATA_SCHEMA, "The stored event " + chainId + "#" + seq
                    + " is not JSON", e);
        }
    }

    private void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise the response", e);
        }
    }

    private static Map<String, Object> summary(RunProjection run) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run_id", run.runId());
        r.put("tenant_id", run.tenantId());
        r.put("status", run.status());
        r.put("error_code", run.errorCode());
        r.put("created_at", run.createdAt());
        r.put("updated_at", run.updatedAt());
        r.put("finished_at", run.finishedAt());
        r.put("events", run.events());
        r.put("last_seq", run.lastSeq());
        return r;
    }

    private static String runId(Context ctx) {
        String runId = ctx.pathParam("id");
        if (runId.isBlank()) {
            throw RequestErrors.outOfRange("The run id must not be blank");
        }
        return bounded("run id", runId);
    }

    static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw RequestErrors.badType("limit must be an integer from 1 to " + AuditStore.MAX_RUNS_PAGE
                    + ", was '" + abbreviate(value) + "'");
        }
        if (limit < 1 || limit > AuditStore.MAX_RUNS_PAGE) {
            throw RequestErrors.outOfRange("limit must be from 1 to " + AuditStore.MAX_RUNS_PAGE + ", was " + limit);
        }
        return limit;
    }

    /** A RunStatus symbol, case-insensitive (the runbook writes {@code ?status=running}). */
    static String status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String symbol = value.trim().toUpperCase(Locale.ROOT);
        if (Arrays.stream(RunStatus.values()).noneMatch(s -> s.name().equals(symbol))) {
            throw RequestErrors.outOfRange("status must be one of " + Arrays.toString(RunStatus.values())
                    + " (any case), was '" + abbreviate(value) + "'");
        }
        return symbol;
    }

    static String encodeCursor(String runId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + runId).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(bounded("cursor", cursor)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RequestErrors.badType("cursor is not a value returned as next_cursor by this API");
        }
        if (!decoded.startsWith(CURSOR_PREFIX) || decoded.length() == CURSOR_PREFIX.length()) {
            throw RequestErrors.badType("cursor is not a value returned as next_cursor by this API");
        }
        return decoded.substring(CURSOR_PREFIX.length());
    }

    private static String bounded(String what, String value) {
        if (value != null && value.length() > MAX_ID_LENGTH) {
            throw RequestErrors.outOfRange(what + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
