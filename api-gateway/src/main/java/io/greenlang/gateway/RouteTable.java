package io.greenlang.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.security.RouteRole;

/**
 * Every route of the API, declared once: {@link #registerIn} adds them to Javalin and {@link #openApi} describes
 * exactly them as an OpenAPI 3.1 document. A route that is not in the table is not served, and a served route is
 * always documented. The response schemas live in {@code openapi-components.json} beside this class.
 */
public final class RouteTable {

    /** The OpenAPI version of {@link #openApi}. */
    public static final String OPENAPI_VERSION = "3.1.0";
    private static final String COMPONENTS = "openapi-components.json";

    private final List<Route> routes;
    private final List<String> componentResources;

    private RouteTable(List<Route> routes, List<String> componentResources) {
        this.routes = List.copyOf(routes);
        this.componentResources = List.copyOf(componentResources);
        Set<String> keys = new HashSet<>();
        Set<String> operationIds = new HashSet<>();
        for (Route route : routes) {
            if (!keys.add(route.key())) {
                throw new IllegalArgumentException("Route declared twice: " + route.key());
            }
            if (!operationIds.add(route.operationId())) {
                throw new IllegalArgumentException("Operation id used twice: " + route.operationId());
            }
        }
    }

    /**
     * A table of these routes.
     *
     * @param routes the routes, in documentation order; method and path unique, operation ids unique
     * @return the table
     */
    public static RouteTable of(List<Route> routes) {
        return new RouteTable(routes, List.of(COMPONENTS));
    }

    /**
     * A table of these routes whose schemas are spread over several resources.
     *
     * @param routes             the routes, in documentation order; method and path unique, operation ids unique
     * @param componentResources classpath resources (absolute, or relative to this class), each a JSON
     *                           {@code components} object; their {@code schemas} are merged, a name defined twice
     *                           is an error
     * @return the table
     */
    public static RouteTable of(List<Route> routes, List<String> componentResources) {
        return new RouteTable(routes, componentResources);
    }

    /** The routes in declaration order. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * Registers every route's handler with its roles as Javalin route metadata.
     *
     * @param config the routes configuration inside {@code Javalin.create(c -> ...)}
     */
    public void registerIn(RoutesConfig config) {
        for (Route route : routes) {
            config.addHttpHandler(route.method(), route.path(), route.handler(),
                    route.roles().stream().sorted().toArray(RouteRole[]::new));
        }
    }

    /**
     * The OpenAPI 3.1 document of the table: one operation per route with its path and query parameters, its
     * success schema, a problem+json default response and the required roles as {@code x-required-roles}.
     *
     * @param mapper  the mapper building the tree
     * @param title   {@code info.title}
     * @param version {@code info.version}
     * @return the document
     * @throws IllegalStateException if a route names a schema that the components do not define
     */
    public ObjectNode openApi(ObjectMapper mapper, String title, String version) {
        ObjectNode document = mapper.createObjectNode();
        document.put("openapi", OPENAPI_VERSION);
        document.putObject("info").put("title", title).put("version", version)
                .put("description", "GreenLang API gateway. Errors are RFC 9457 application/problem+json with the"
                        + " GreenLang error code and the runbook's fix.");
        ObjectNode components = components(mapper, componentResources);
        JsonNode schemas = components.path("schemas");
        ObjectNode paths = document.putObject("paths");
        for (Route route : routes) {
            for (String schema : new String[] {route.responseSchema(), route.requestSchema()}) {
                if (schema != null && !schemas.has(schema)) {
                    throw new IllegalStateException("Route " + route.key() + " names the undefined schema " + schema);
                }
            }
            ObjectNode pathItem = paths.has(route.path()) ? (ObjectNode) paths.get(route.path())
                    : paths.putObject(route.path());
            pathItem.set(route.method().name().toLowerCase(Locale.ROOT), operation(mapper, route));
        }
        document.set("components", components);
        return document;
    }

    private static ObjectNode operation(ObjectMapper mapper, Route route) {
        ObjectNode operation = mapper.createObjectNode();
        operation.put("operationId", route.operationId());
        operation.put("summary", route.summary());
        ArrayNode roles = operation.putArray("x-required-roles");
        route.roles().stream().sorted().forEach(role -> roles.add(role.name().toLowerCase(Locale.ROOT)));
        List<ObjectNode> parameters = new ArrayList<>();
        for (String name : route.pathParameters()) {
            ObjectNode parameter = mapper.createObjectNode();
            parameter.put("name", name).put("in", "path").put("required", true);
            parameter.putObject("schema").put("type", "string");
            parameters.add(parameter);
        }
        for (QueryParameter query : route.query()) {
            ObjectNode parameter = mapper.createObjectNode();
            parameter.put("name", query.name()).put("in", "query").put("required", false)
                    .put("description", query.description());
            parameter.putObject("schema").put("type", query.type());
            parameters.add(parameter);
        }
        if (!parameters.isEmpty()) {
            operation.putArray("parameters").addAll(parameters);
        }
        if (route.requestSchema() != null) {
            ObjectNode body = operation.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", ref(route.requestSchema()));
        }
        ObjectNode responses = operation.putObject("responses");
        ObjectNode success = responses.putObject(Integer.toString(route.successStatus()));
        success.put("description", route.successStatus() == 202 ? "Accepted" : "OK");
        ObjectNode schema = success.putObject("content").putObject("application/json").putObject("schema");
        if (route.responseIsArray()) {
            schema.put("type", "array").putObject("items").put("$ref", ref(route.responseSchema()));
        } else {
            schema.put("$ref", ref(route.responseSchema()));
        }
        ObjectNode problem = responses.putObject("default");
        problem.put("description", "A problem: 400 bad parameter, 401 no or bad credentials, 403 role or tenant "
                + "refused, 404 unknown run or route, 405, 413, 422 invalid pipeline, 429 rate limit, 5xx");
        problem.putObject("content").putObject(Problem.CONTENT_TYPE).putObject("schema").put("$ref", ref("Problem"));
        return operation;
    }

    private static String ref(String schema) {
        return "#/components/schemas/" + schema;
    }

    private static ObjectNode components(ObjectMapper mapper, List<String> resources) {
        ObjectNode merged = mapper.createObjectNode();
        ObjectNode schemas = merged.putObject("schemas");
        for (String resource : resources) {
            try (InputStream in = RouteTable.class.getResourceAsStream(resource)) {
                Objects.requireNonNull(in, () -> resource + " missing from the classpath");
                JsonNode more = mapper.readTree(in).path("schemas");
                more.fieldNames().forEachRemaining(name -> {
                    if (schemas.has(name)) {
                        throw new IllegalStateException("Schema " + name + " defined twice (again in " + resource
                                + ")");
                    }
                    schemas.set(name, more.get(name));
                });
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + resource, e);
            }
        }
        return merged;
    }
}
