package io.greenlang.gateway;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One route of the API, declared once in the {@link RouteTable}: the same declaration registers the handler in
 * Javalin and describes the operation in the OpenAPI document, so the two cannot drift apart.
 *
 * @param method          the HTTP method
 * @param path            the Javalin path, path parameters in braces: {@code /api/v1/runs/{id}}
 * @param operationId     the OpenAPI operation id, unique in the table
 * @param summary         one line for the OpenAPI document
 * @param roles           the roles that may call the route (enforced by a later increment); empty = public
 * @param query           the query parameters the route accepts
 * @param responseSchema  the name of the success response's schema in the document's {@code components}
 * @param responseIsArray whether the success response is an array of {@code responseSchema}
 * @param handler         the handler
 * @param successStatus   the status of a successful answer (200, 202 for accepted work, 204 without body)
 * @param requestSchema   the name of the request body's schema in {@code components}, or null for no body
 */
public record Route(HandlerType method, String path, String operationId, String summary, Set<Role> roles,
        List<QueryParameter> query, String responseSchema, boolean responseIsArray, Handler handler,
        int successStatus, String requestSchema) {

    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9_]*)}");

    /** Validates and copies the components. */
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(responseSchema, "responseSchema");
        Objects.requireNonNull(handler, "handler");
        roles = Set.copyOf(roles);
        query = List.copyOf(query);
        if (successStatus < 200 || successStatus > 299) {
            throw new IllegalArgumentException("a success status is 2xx: " + successStatus);
        }
        if (!method.isHttpMethod()) {
            throw new IllegalArgumentException("not an HTTP method: " + method);
        }
        if (!path.startsWith("/") || path.contains("<") || path.contains("*")) {
            throw new IllegalArgumentException("route paths start with / and use only {name} parameters: " + path);
        }
    }

    /** A route answering 200 without a request body. */
    public Route(HandlerType method, String path, String operationId, String summary, Set<Role> roles,
            List<QueryParameter> query, String responseSchema, boolean responseIsArray, Handler handler) {
        this(method, path, operationId, summary, roles, query, responseSchema, responseIsArray, handler, 200, null);
    }

    /**
     * This route with a request body.
     *
     * @param status the success status
     * @param schema the request body's schema in {@code components}
     * @return the new route
     */
    public Route withBody(int status, String schema) {
        return new Route(method, path, operationId, summary, roles, query, responseSchema, responseIsArray, handler,
                status, Objects.requireNonNull(schema, "schema"));
    }

    /** The names of the path parameters, in order of appearance. */
    public List<String> pathParameters() {
        Matcher matcher = PATH_PARAMETER.matcher(path);
        return matcher.results().map(result -> result.group(1)).toList();
    }

    /** {@code METHOD path}, e.g. {@code GET /api/v1/runs}: how tests and logs name a route. */
    public String key() {
        return method.name() + " " + path;
    }
}
