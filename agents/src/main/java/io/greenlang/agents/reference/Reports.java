package io.greenlang.agents.reference;

import java.math.BigDecimal;
import java.math.RoundingMode;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON reports the reference agents write as artifacts: indented for people, numbers in plain notation, the
 * same bytes for the same content (members in the order the agent puts them), so a re-run of the same input
 * produces an artifact with the same SHA-256.
 */
final class Reports {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private Reports() {
    }

    /** A new empty object. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code value} rounded half-up to {@code digits} decimals, trailing zeros dropped, for a report field. */
    static BigDecimal round(double value, int digits) {
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(digits, RoundingMode.HALF_UP);
        return rounded.signum() == 0 ? BigDecimal.ZERO : rounded.stripTrailingZeros();
    }

    /** The report's bytes (UTF-8), ending with a line break. */
    static byte[] bytes(ObjectNode report) {
        try {
            byte[] json = MAPPER.writeValueAsBytes(report);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a report", e);
        }
    }
}
