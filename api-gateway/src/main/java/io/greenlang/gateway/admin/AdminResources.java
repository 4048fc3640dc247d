package io.greenlang.gateway.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.events.admin.AdminAction;
import io.greenlang.events.run.RunState;
import io.greenlang.gateway.ApiJson;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.QueryParameter;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.Route;
import io.greenlang.gateway.state.StateResources;
import io.greenlang.gateway.state.StateViews;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * The admin routes of the orchestrator runbook (§4.2, §7), all for {@link Role#ADMIN}. Each action is first
 * published as an {@link AdminAction} on gl.admin.actions (synchronously, {@link AdminEvents}), then carried out,
 * then answered: an action that is not on the audit log does not happen. The actor is the caller's subject.
 *
 * <p>Tenancy: a platform admin ({@link Principal#ALL_TENANTS}) may act on any tenant and on the platform; an
 * admin bound to a tenant may act on its own tenant only, and never on the platform (maintenance mode, emergency
 * stop): anything else is 403 GL-E-TENANT-ISOLATION. Active runs come from the gl.run.state view, so a run
 * accepted a moment ago may not be in it yet.
 */
public final class AdminResources {

    /** The OpenAPI schemas of these routes, beside {@link io.greenlang.gateway.RouteTable}. */
    public static final String COMPONENTS = "openapi-admin.json";

    private static final Set<Role> ADMIN = Set.of(Role.ADMIN);
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_TEXT = 2000;

    private final StateViews views;
    private final AdminEvents events;
    private final TenantBlocklist blocklist;
    private final MaintenanceMode maintenance;

    /**
     * @param views       the live state views (active runs)
     * @param events      the admin action and run command publisher
     * @param blocklist   the tenant blocklist
     * @param maintenance the maintenance mode
     */
    public AdminResources(StateViews views, AdminEvents events, TenantBlocklist blocklist,
            MaintenanceMode maintenance) {
        this.views = Objects.requireNonNull(views, "views");
        this.events = Objects.requireNonNull(events, "events");
        this.blocklist = Objects.requireNonNull(blocklist, "blocklist");
        this.maintenance = Objects.requireNonNull(maintenance, "maintenance");
    }

    /** The routes, for {@code ApiServer.builder().routes(routes(), AdminResources.COMPONENTS)}. */
    public List<Route> routes() {
        return List.of(
                new Route(HandlerType.POST, "/api/v1/admin/emergency-stop", "emergencyStop",
                        "Maintenance mode on and CANCEL for every active run (platform admins only)", ADMIN, List.of(),
                        "CancelResult", false, this::emergencyStop).withBody(200, "EmergencyStopRequest"),
                new Route(HandlerType.POST, "/api/v1/admin/cancel-all", "cancelAllRuns",
                        "CANCEL for every active run, of one tenant or all; answers the run ids", ADMIN, List.of(),
                        "CancelResult", false, this::cancelAll).withBody(200, "CancelAllRequest"),
                new Route(HandlerType.GET, "/api/v1/admin/active-runs", "listActiveRuns",
                        "Runs not yet finished, oldest first, with their count", ADMIN,
                        List.of(new QueryParameter("tenant", "string", "Only runs of this tenant")), "ActiveRuns",
                        false, this::activeRuns),
                new Route(HandlerType.POST, "/api/v1/admin/tenant-blocklist", "blockTenant",
                        "Blocks a tenant: its requests are refused with GL-E-TENANT-ISOLATION", ADMIN, List.of(),
                        "BlocklistEntry", false, this::block).withBody(201, "BlockTenantRequest"),
                new Route(HandlerType.DELETE, "/api/v1/admin/tenant-blocklist/{tenant}", "unblockTenant",
                        "Lifts a tenant's block", ADMIN, List.of(), "BlocklistEntry", false, this::unblock),
                new Route(HandlerType.GET, "/api/v1/admin/tenant-blocklist", "listTenantBlocklist",
                        "The blocked tenants", ADMIN, List.of(), "BlocklistEntry", true, this::listBlocked),
                new Route(HandlerType.POST, "/api/v1/admin/audit-log", "writeAuditEntry",
                        "An operator's manual audit entry, published as an admin action", ADMIN, List.of(),
                        "AuditEntry", false, this::auditLog).withBody(201, "AuditEntryRequest"),
                new Route(HandlerType.GET, "/api/v1/admin/maintenance-mode", "getMaintenanceMode",
                        "Whether maintenance mode is on, and its last change", ADMIN, List.of(), "MaintenanceMode",
                        false, ctx -> ApiJson.answer(ctx, 200, statusJson(maintenance.status()))),
                new Route(HandlerType.PUT, "/api/v1/admin/maintenance-mode", "setMaintenanceMode",
                        "Turns maintenance mode on (new runs refused with 503) or off (platform admins only)", ADMIN,
                        List.of(), "MaintenanceMode", false, this::setMaintenance)
                        .withBody(200, "MaintenanceModeRequest"));
    }

    private void emergencyStop(Context ctx) {
        Principal principal = Principal.of(ctx);
        requirePlatform(principal, "trigger an emergency stop");
        JsonNode body = optionalBody(ctx);
        String reason = text(body, "reason", false);
        List<RunState> runs = views.activeRuns();
        Map<String, String> cancelled = runIds(runs);
        events.publish(principal.subject(), AdminEvents.PLATFORM, "platform.emergency_stop", null, reason,
                Map.of("maintenance_mode", "true", "cancelled_runs", Integer.toString(cancelled.size()),
                        "run_ids", String.join(",", cancelled.keySet())));
        maintenance.set(true, reason == null ? "emergency stop" : reason, principal.subject());
        events.cancel(cancelled, principal.subject(), reason == null ? "emergency stop" : reason);
        Map<String, Object> answer = cancelAnswer(null, cancelled);
        answer.put("maintenance_mode", true);
        ApiJson.answer(ctx, 200, answer);
    }

    private void cancelAll(Context ctx) {
        Principal principal = Principal.of(ctx);
        JsonNode body = optionalBody(ctx);
        String tenant = tenantField(body, false);
        if (tenant == null && !principal.allTenants()) {
            tenant = principal.tenant();
        }
        if (tenant != null) {
            requireTenant(principal, tenant);
        }
        String reason = text(body, "reason", false);
        String only = tenant;
        List<RunState> runs = views.activeRuns().stream()
                .filter(run -> only == null || only.equals(run.getTenantId())).toList();
        Map<String, String> cancelled = runIds(runs);
        events.publish(principal.subject(), tenant == null ? AdminEvents.PLATFORM : tenant, "runs.cancel_all", null,
                reason, Map.of("cancelled_runs", Integer.toString(cancelled.size()),
                        "run_ids", String.join(",", cancelled.keySet())));
        events.cancel(cancelled, principal.subject(), reason == null ? "cancel-all by an admin" : reason);
        ApiJson.answer(ctx, 200, cancelAnswer(tenant, cancelled));
    }

    private void activeRuns(Context ctx) {
        Principal principal = Principal.of(ctx);
        String tenant = ctx.queryParam("tenant");
        if (tenant != null) {
            requireTenant(principal, tenant);
        }
        List<Map<String, Object>> runs = views.activeRuns().stream()
                .filter(run -> principal.canSee(run.getTenantId()))
                .filter(run -> tenant == null || tenant.equals(run.getTenantId()))
                .map(StateResources::runJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", runs.size());
        body.put("runs", runs);
        ApiJson.answer(ctx, 200, body);
    }

    private void block(Context ctx) {
        Principal principal = Principal.of(ctx);
        JsonNode body = ApiJson.objectBody(ctx);
        String tenant = tenantField(body, true);
        requireTenant(principal, tenant);
        String reason = text(body, "reason", true);
        events.publish(principal.subject(), tenant, "tenant.block", tenant, reason, Map.of());
        ApiJson.answer(ctx, 201, entryJson(blocklist.block(tenant, reason, principal.subject())));
    }

    private void unblock(Context ctx) {
        Principal principal = Principal.of(ctx);
        String tenant = ctx.pathParam("tenant");
        requireTenant(principal, tenant);
        TenantBlocklist.Entry entry = blocklist.entry(tenant).orElseThrow(() -> new GreenLangException(
                ErrorCode.DATA_NOT_FOUND, "Tenant " + tenant + " is not blocklisted", null, Map.of("tenant", tenant)));
        events.publish(principal.subject(), tenant, "tenant.unblock", tenant, null,
                Map.of("blocked_reason", entry.reason(), "blocked_by", entry.blockedBy()));
        blocklist.unblock(tenant);
        ApiJson.answer(ctx, 200, entryJson(entry));
    }

    private void listBlocked(Context ctx) {
        Principal principal = Principal.of(ctx);
        ApiJson.answer(ctx, 200, blocklist.entries().stream().filter(entry -> principal.canSee(entry.tenant()))
                .map(AdminResources::entryJson).toList());
    }

    private void auditLog(Context ctx) {
        Principal principal = Principal.of(ctx);
        JsonNode body = ApiJson.objectBody(ctx);
        String action = text(body, "action", true);
        String tenant = tenantField(body, false);
        if (tenant == null) {
            tenant = principal.allTenants() ? AdminEvents.PLATFORM : principal.tenant();
        } else {
            requireTenant(principal, tenant);
        }
        Map<String, String> details = new LinkedHashMap<>();
        JsonNode given = body.path("details");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw new GreenLangException(ErrorCode.PARAM_TYPE, "details must be a JSON object");
            }
            for (Map.Entry<String, JsonNode> field : given.properties()) {
                details.put(field.getKey(), field.getValue().isTextual() ? field.getValue().asText()
                        : field.getValue().toString());
            }
        }
        details.put("source", "manual");
        AdminAction published = events.publish(principal.subject(), tenant, action, text(body, "target", false),
                text(body, "reason", false), details);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event_id", published.getMeta().getEventId());
        answer.put("action", published.getAction());
        answer.put("actor", published.getActor());
        answer.put("tenant_id", published.getTenantId());
        answer.put("target", published.getTarget());
        answer.put("reason", published.getReason());
        answer.put("details", published.getDetails());
        answer.put("occurred_at", published.getMeta().getOccurredAt());
        ApiJson.answer(ctx, 201, answer);
    }

    private void setMaintenance(Context ctx) {
        Principal principal = Principal.of(ctx);
        requirePlatform(principal, "change maintenance mode");
        JsonNode body = ApiJson.objectBody(ctx);
        JsonNode enabled = body.get("enabled");
        if (enabled == null || enabled.isNull()) {
            throw new GreenLangException(ErrorCode.PARAM_MISSING, "enabled (true or false) is required");
        }
        if (!enabled.isBoolean()) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "enabled must be true or false");
        }
        String reason = text(body, "reason", false);
        events.publish(principal.subject(), AdminEvents.PLATFORM,
                enabled.booleanValue() ? "maintenance.enable" : "maintenance.disable", null, reason, Map.of());
        ApiJson.answer(ctx, 200, statusJson(maintenance.set(enabled.booleanValue(), reason, principal.subject())));
    }

    // ------------------------------------------------------------------ helpers

    private static void requireTenant(Principal principal, String tenant) {
        if (!principal.canSee(tenant)) {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION, principal.subject() + " is an admin of tenant "
                    + principal.tenant() + " and may not act on tenant " + tenant, null, Map.of("tenant", tenant));
        }
    }

    private static void requirePlatform(Principal principal, String what) {
        if (!principal.allTenants()) {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION, principal.subject() + " is an admin of tenant "
                    + principal.tenant() + " only; only a platform admin may " + what, null,
                    Map.of("tenant", principal.tenant()));
        }
    }

    /** The body as an object, or an empty object when the request has none. */
    private static JsonNode optionalBody(Context ctx) {
        return ctx.bodyAsBytes().length == 0 ? JsonNodeFactory.instance.objectNode() : ApiJson.objectBody(ctx);
    }

    /** {@code tenant}, or the runbook's {@code tenant_id}. */
    private static String tenantField(JsonNode body, boolean required) {
        String name = body.has("tenant") || !body.has("tenant_id") ? "tenant" : "tenant_id";
        String tenant = text(body, name, required);
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "tenant must be 1 to 128 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit", null, Map.of("parameter", name));
        }
        return tenant;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            if (required) {
                throw new GreenLangException(ErrorCode.PARAM_MISSING, field + " is required", null,
                        Map.of("parameter", field));
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, field + " must be a string", null,
                    Map.of("parameter", field));
        }
        if (node.asText().length() > MAX_TEXT) {
            throw new GreenLangException(ErrorCode.PARAM_RANGE, field + " is longer than " + MAX_TEXT + " characters",
                    null, Map.of("parameter", field));
        }
        return node.asText();
    }

    private static Map<String, String> runIds(List<RunState> runs) {
        Map<String, String> ids = new LinkedHashMap<>();
        runs.forEach(run -> ids.put(run.getRunId(), run.getTenantId()));
        return ids;
    }

    private static Map<String, Object> cancelAnswer(String tenant, Map<String, String> cancelled) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenant", tenant == null ? AdminEvents.PLATFORM : tenant);
        answer.put("cancelled", cancelled.size());
        answer.put("run_ids", List.copyOf(cancelled.keySet()));
        return answer;
    }

    private static Map<String, Object> entryJson(TenantBlocklist.Entry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tenant", entry.tenant());
        json.put("reason", entry.reason());
        json.put("blocked_by", entry.blockedBy());
        json.put("blocked_at", entry.blockedAt());
        return json;
    }

    private static Map<String, Object> statusJson(MaintenanceMode.Status status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("enabled", status.enabled());
        json.put("reason", status.reason());
        json.put("changed_by", status.changedBy());
        json.put("changed_at", status.changedAt());
        return json;
    }
}
