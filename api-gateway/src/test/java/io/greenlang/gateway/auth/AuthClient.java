package io.greenlang.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.gateway.ApiServer;

/** A java.net.http client of one started {@link ApiServer}, sending whatever credentials a test gives it. */
final class AuthClient {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    AuthClient(ApiServer server) {
        this.port = server.port();
    }

    /** A request with these headers (name, value, name, value ...), no body. */
    HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET with an API key, or none when {@code apiKey} is null. */
    HttpResponse<String> get(String path, String apiKey) {
        return apiKey == null ? send("GET", path, null) : send("GET", path, null, ApiKeyAuthenticator.HEADER, apiKey);
    }

    /** GET with a bearer token. */
    HttpResponse<String> getWithToken(String path, String token) {
        return send("GET", path, null, "Authorization", "Bearer " + token);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The GL-E code of a problem answer. */
    static String code(HttpResponse<String> response) {
        JsonNode code = json(response).get("code");
        return code == null ? null : code.asText();
    }

    /**
     * A problem body without {@code instance} and with {@code id} replaced by a placeholder everywhere: what two
     * refusals of different ids must have in common to be indistinguishable.
     */
    static JsonNode withoutIdentity(HttpResponse<String> response, String id) {
        try {
            ObjectNode body = (ObjectNode) MAPPER.readTree(response.body().replace(id, "<id>"));
            body.remove("instance");
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** A JSON object text of these fields. */
    static String object(Map<String, ?> fields) {
        try {
            return MAPPER.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean has(JsonNode array, String field, String value) {
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode node = it.next();
            if (node.has(field) && node.get(field).asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
