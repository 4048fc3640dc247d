package io.greenlang.gateway;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.greenlang.common.error.ErrorCode;
import io.javalin.http.Context;

/** The gateway's JSON: one mapper (ISO-8601 times), JSON answers and request bodies read with a clear 400. */
public final class ApiJson {

    /** The mapper of every body the gateway reads or writes. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    /** The content type of JSON answers. */
    public static final String CONTENT_TYPE = "application/json";

    private ApiJson() {
    }

    /**
     * Answers with a JSON body.
     *
     * @param ctx    the request
     * @param status the HTTP status
     * @param body   the body, serialised with {@link #MAPPER}
     */
    public static void answer(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType(CONTENT_TYPE).result(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a response body", e);
        }
    }

    /**
     * The request body as a JSON object.
     *
     * @param ctx the request
     * @return the object
     * @throws ProblemException 400 GL-E-PARAM-TYPE when the body is missing, not JSON or not an object
     */
    public static JsonNode objectBody(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw new ProblemException(400, ErrorCode.PARAM_TYPE, "A JSON object body is required");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(400, ErrorCode.PARAM_TYPE, "The body is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        } catch (IOException e) {
            throw new ProblemException(400, ErrorCode.PARAM_TYPE, "The body cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ProblemException(400, ErrorCode.PARAM_TYPE, "The body must be a JSON object");
        }
        return node;
    }
}
