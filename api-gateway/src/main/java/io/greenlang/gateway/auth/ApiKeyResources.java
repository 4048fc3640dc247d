package io.greenlang.gateway.auth;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.ApiJson;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.QueryParameter;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.Route;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * The admin routes of API keys (role admin; schemas in {@value #COMPONENTS}): create (the plaintext is in that
 * answer only), list (never a secret) and revoke. An admin bound to a tenant manages its tenant's keys only: it
 * cannot create a key for another tenant or for every tenant, lists only its tenant, and gets the same
 * GL-E-TENANT-ISOLATION answer for another tenant's key as for a key id that does not exist.
 */
public final class ApiKeyResources {

    /** The OpenAPI components of these routes, next to {@code RouteTable}. */
    public static final String COMPONENTS = "openapi-auth.json";
    /** Base path of the routes. */
    public static final String PATH = "/api/v1/admin/api-keys";

    private final ApiKeys keys;

    /**
     * @param keys the key store
     */
    public ApiKeyResources(ApiKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The routes, for {@code ApiServer.builder().routes(resources.routes(), ApiKeyResources.COMPONENTS)}. */
    public List<Route> routes() {
        Set<Role> admin = Set.of(Role.ADMIN);
        return List.of(
                new Route(HandlerType.POST, PATH, "createApiKey",
                        "Creates an API key bound to a tenant and roles; the answer holds the key, shown only once",
                        admin, List.of(), "ApiKeyCreated", false, this::create).withBody(201, "ApiKeyCreate"),
                new Route(HandlerType.GET, PATH, "listApiKeys",
                        "API keys without their secrets, revoked ones included, in creation order", admin,
                        List.of(new QueryParameter("tenant", "string", "Only the keys of this tenant")), "ApiKey",
                        true, this::list),
                new Route(HandlerType.DELETE, PATH + "/{id}", "revokeApiKey",
                        "Revokes an API key: it stops authenticating within " + ApiKeys.CACHE_TTL.toSeconds()
                                + " s on every gateway instance (at once on the one answering)", admin, List.of(),
                        "ApiKey", false, this::revoke));
    }

    private void create(Context ctx) {
        Principal caller = Principal.of(ctx);
        JsonNode body = ApiJson.objectBody(ctx);
        String tenant = text(body, "tenant", ApiKeys.MAX_TENANT_LENGTH);
        String name = text(body, "name", ApiKeys.MAX_NAME_LENGTH);
        Set<Role> roles = roles(body.get("roles"));
        if (!caller.allTenants() && !caller.tenant().equals(tenant)) {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION, "An admin of tenant " + caller.tenant()
                    + " may create keys for tenant " + caller.tenant() + " only, not for " + tenant, null,
                    Map.of("tenant", tenant));
        }
        ApiKeys.CreatedKey created = keys.create(tenant, roles, name);
        Map<String, Object> answer = new LinkedHashMap<>(created.key().toJson());
        answer.put("key", created.plaintext());
        ApiJson.answer(ctx, 201, answer);
    }

    private void list(Context ctx) {
        Principal caller = Principal.of(ctx);
        String tenant = ctx.queryParam("tenant");
        tenant = tenant == null || tenant.isBlank() ? null : tenant;
        if (!caller.allTenants()) {
            if (tenant != null && !tenant.equals(caller.tenant())) {
                throw new GreenLangException(ErrorCode.TENANT_ISOLATION, "Tenant " + tenant
                        + " is not visible to tenant " + caller.tenant(), null, Map.of("tenant", tenant));
            }
            tenant = caller.tenant();
        }
        List<Map<String, Object>> answer = new ArrayList<>();
        for (ApiKey key : keys.list(tenant)) {
            answer.add(key.toJson());
        }
        ApiJson.answer(ctx, 200, answer);
    }

    private void revoke(Context ctx) {
        Principal caller = Principal.of(ctx);
        String id = ctx.pathParam("id");
        ApiKey key = keys.find(id).filter(found -> caller.canSee(found.tenant())).orElseThrow(() ->
                caller.allTenants()
                        ? new GreenLangException(ErrorCode.DATA_NOT_FOUND, "No API key " + id, null, Map.of("id", id))
                        : new GreenLangException(ErrorCode.TENANT_ISOLATION, "API key " + id
                                + " is not visible to tenant " + caller.tenant(), null, Map.of("id", id)));
        ApiJson.answer(ctx, 200, keys.revoke(key.id()).orElse(key).toJson());
    }

    private static String text(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new GreenLangException(ErrorCode.PARAM_MISSING, "'" + field + "' is required", null,
                    Map.of("field", field));
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > maxLength) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "'" + field + "' must be a string of 1 to "
                    + maxLength + " characters", null, Map.of("field", field));
        }
        return value.asText();
    }

    private static Set<Role> roles(JsonNode value) {
        if (value == null || value.isNull()) {
            throw new GreenLangException(ErrorCode.PARAM_MISSING, "'roles' is required", null,
                    Map.of("field", "roles"));
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new GreenLangException(ErrorCode.PARAM_TYPE, "'roles' must be a non-empty array of role names",
                    null, Map.of("field", "roles"));
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (JsonNode name : value) {
            try {
                roles.add(Role.parse(name.isTextual() ? name.asText() : name.toString()));
            } catch (IllegalArgumentException e) {
                throw new GreenLangException(ErrorCode.PARAM_RANGE, e.getMessage(), null, Map.of("field", "roles"));
            }
        }
        return roles;
    }
}
