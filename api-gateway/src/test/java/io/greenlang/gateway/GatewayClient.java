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

    GatewayClient(ApiServer server) {
        this.port = server.port();
    }

    /** Starts a server on a free port over the class's audit store, ready when its PostgreSQL schema is. */
    static ApiServer startServer(TestInfra infra, AuditStore store) {
        return new ApiServer(store, infra.dataSource(),
                List.of(new PostgresHealthCheck(infra.dataSource(), infra.schemaName()))).start(0);
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build());
    }

    HttpResponse<String> send(String method, String path, byte[] body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).method(method, publisher).build());
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
