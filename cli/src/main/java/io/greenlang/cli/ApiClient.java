package io.greenlang.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A small client of the gateway's REST API for the CLI: JSON in and out, the API key in {@code X-API-Key}, and the
 * equivalent {@code curl} line for the operator to reuse.
 */
final class ApiClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String apiKey;

    /**
     * @param baseUrl e.g. {@code http://127.0.0.1:8080}
     * @param apiKey  the key sent in {@code X-API-Key}
     */
    ApiClient(String baseUrl, String apiKey) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /** An answer: status and JSON body (a problem+json body on errors). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** {@code GL-E-... : detail} of a problem answer, or the status. */
        String problem() {
            return body.hasNonNull("code") ? body.get("code").asText() + ": " + body.path("detail").asText()
                    : "HTTP " + status;
        }
    }

    Answer get(String path) throws InterruptedException {
        return send(request(path).GET().build());
    }

    Answer post(String path, Object body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json");
        headers.forEach(builder::header);
        try {
            return send(builder.POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body))).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The curl command an operator would type for a GET of this path. */
    String curl(String path) {
        return "curl -s -H 'X-API-Key: $GL_API_KEY' " + baseUrl + path;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).header("X-API-Key", apiKey)
                .header("Accept", "application/json");
    }

    private Answer send(HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = response.body();
            JsonNode body = bytes.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(bytes);
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException("The API at " + baseUrl + " did not answer " + request.method() + " "
                    + request.uri().getPath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return baseUrl;
    }
}
