package io.greenlang.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.audit.AuditStore;
import io.greenlang.testkit.TestInfra;

/** A java.net.http client for one started {@link ApiServer}. */
final class GatewayClient {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** No request of a test may hang the build. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String apiKey;

    /** A client sending {@link TestCredentials#ADMIN_KEY}. */
    GatewayClient(ApiServer server) {
        this(server, TestCredentials.ADMIN_KEY);
    }

    /**
     * @param server the server
     * @param apiKey the {@code X-API-Key} to send, null for none
     */
    GatewayClient(ApiServer server, String apiKey) {
        this.port = server.port();
        this.apiKey = apiKey;
    }

    /** Starts a server on a free port over the class's audit store, ready when its PostgreSQL schema is. */
    static ApiServer startServer(TestInfra infra, AuditStore store) {
        return TestCredentials.server(store, infra.dataSource(),
                List.of(new PostgresHealthCheck(infra.dataSource(), infra.schemaName()))).build().start(0);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> send(String method, String path, byte[] body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return send(request(path).method(method, publisher).build());
    }

    /** A request to this path with the client's key and the test timeout. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
        if (apiKey != null) {
            builder.header(TestCredentials.HEADER, apiKey);
        }
        return builder;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }
}
