package io.greenlang.common.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one text of a JSON value that the audit chain hashes
 * ({@code sha256(prev_hash || '\n' || canonical_json(event))}) and that plain SQL can recompute.
 *
 * <p>Rules (RFC 8785 §3.2): no whitespace; object members sorted by their names as UTF-16 code units
 * ({@link String#compareTo} order); strings with only the mandatory escapes ({@code \" \\ \b \f \n \r \t}, other
 * controls as {@code \}{@code u00xx} in lower-case hex) and every other character, {@code /} and non-ASCII
 * included, as is; numbers as ECMAScript {@code Number.prototype.toString} prints the IEEE-754 double
 * ({@code 1e+21}, {@code 1e-7}, {@code 4.5}, {@code 0.002}, {@code -0} as {@code 0}); literals as is.
 *
 * <p>Numbers (I-JSON, RFC 7493 §2.2): every number is an IEEE-754 double, as in JavaScript. Text input is
 * parsed with Jackson (doubles are correctly rounded), so {@code 4.50} and {@code 45e-1} both become
 * {@code 4.5}. An integer literal that is not exactly a double is not silently rounded: it is rejected unless
 * it is already the canonical spelling of a double (e.g. {@code 295147905179352830000}). Fractional literals
 * are rounded to the nearest double as RFC 8785 requires. Encode larger integers (64-bit ids, amounts in minor
 * units beyond 2^53) as JSON strings.
 *
 * <p>Rejected with {@link IllegalArgumentException}: text that is not one JSON value, duplicate member names,
 * NaN and infinities (including literals that overflow a double, such as {@code 1e400}), strings with a lone
 * surrogate, and integers that a double would change as described above. This class must never be used to
 * pretty-print or to produce JSON for anything but hashing and comparison; it never alters values other than
 * numbers as described.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final BigInteger MAX_SAFE_INTEGER = BigInteger.valueOf(9007199254740992L);

    private CanonicalJson() {
    }

    /**
     * Canonicalizes JSON text.
     *
     * @param json one JSON value
     * @return the canonical text
     * @throws IllegalArgumentException if the text is not one JSON value or holds something JCS cannot express
     */
    public static String canonicalize(String json) {
        return canonicalize(parse(json));
    }

    /**
     * Canonicalizes a Jackson tree.
     *
     * @param node the value
     * @return the canonical text
     * @throws IllegalArgumentException for NaN, infinities, lone surrogates or integers a double would change
     */
    public static String canonicalize(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out, "$");
        return out.toString();
    }

    /**
     * Canonicalizes a Java value converted to JSON by Jackson's default mapping (records, beans, maps, lists,
     * boxed primitives). A {@link String} argument reaches this overload only through a variable of type
     * {@code Object} and is then a JSON string value; JSON <em>text</em> goes to {@link #canonicalize(String)}.
     * A {@link JsonNode} is canonicalized as a tree.
     *
     * @param value the value
     * @return the canonical text
     */
    public static String canonicalize(Object value) {
        if (value instanceof JsonNode node) {
            return canonicalize(node);
        }
        JsonNode tree = MAPPER.valueToTree(value);
        return canonicalize(tree);
    }

    /**
     * The canonical text of {@code json} as UTF-8 bytes, the input of a hash.
     *
     * @param json one JSON value
     * @return UTF-8 bytes of the canonical text
     */
    public static byte[] canonicalBytes(String json) {
        return canonicalize(json).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The canonical text of {@code node} as UTF-8 bytes, the input of a hash.
     *
     * @param node the value
     * @return UTF-8 bytes of the canonical text
     */
    public static byte[] canonicalBytes(JsonNode node) {
        return canonicalize(node).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Formats a double as ECMAScript's {@code Number.prototype.toString} does, which is JCS's number form.
     *
     * @param value a finite double
     * @return e.g. {@code "1e+21"}, {@code "0.000001"}, {@code "333333333.3333333"}
     * @throws IllegalArgumentException for NaN and infinities
     */
    public static String formatNumber(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "NaN and Infinity are not JSON numbers and cannot be canonicalized (RFC 8785 §3.2.2.3): " + value);
        }
        return EcmaNumbers.toString(value);
    }

    /**
     * Parses JSON text into a tree with the checks JCS needs (one value, no duplicate member names).
     *
     * @param json the text
     * @return the tree
     * @throws IllegalArgumentException if the text is not one valid JSON value
     */
    public static JsonNode parse(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("Not JSON: empty input");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not valid JSON for canonicalization: " + e.getOriginalMessage(), e);
        }
    }

    private static void write(JsonNode node, StringBuilder out, String path) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>(node.size());
                Iterator<String> it = node.fieldNames();
                while (it.hasNext()) {
                    names.add(it.next());
                }
                names.sort(String::compareTo); // UTF-16 code units, as RFC 8785 §3.2.3 requires
                out.append('{');
                boolean first = true;
                for (String name : names) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    String childPath = path + "." + name;
                    writeString(name, out, childPath);
                    out.append(':');
                    write(node.get(name), out, childPath);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out, path + "[" + i + "]");
                }
                out.append(']');
            }
            case STRING -> writeString(node.textValue(), out, path);
            case BINARY -> writeString(node.asText(), out, path); // Jackson's Base64, as it would serialize it
            case NUMBER -> out.append(number(node, path));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            case MISSING, POJO -> throw new IllegalArgumentException(
                    "Cannot canonicalize a " + node.getNodeType() + " node at " + path);
        }
    }

    private static String number(JsonNode node, String path) {
        if (node.isIntegralNumber()) {
            BigInteger exact = node.bigIntegerValue();
            double d = exact.doubleValue(); // correctly rounded
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("Integer at " + path + " is beyond the double range: " + exact);
            }
            String canonical = EcmaNumbers.toString(d);
            if (exact.abs().compareTo(MAX_SAFE_INTEGER) > 0
                    && !new BigDecimal(d).toBigInteger().equals(exact)
                    && !new BigDecimal(canonical).toBigInteger().equals(exact)) {
                throw new IllegalArgumentException("Integer " + exact + " at " + path + " is not exactly an "
                        + "IEEE-754 double (it would become " + canonical + "); I-JSON (RFC 7493 §2.2) numbers "
                        + "are doubles: send it as a string");
            }
            return canonical;
        }
        double d = node.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("Number at " + path + " is NaN or infinite (" + node.asText()
                    + "), which JSON and RFC 8785 §3.2.2.3 do not allow");
        }
        return EcmaNumbers.toString(d);
    }

    private static void writeString(String s, StringBuilder out, String path) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                            throw loneSurrogate(c, i, path);
                        }
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isLowSurrogate(c)) {
                        throw loneSurrogate(c, i, path);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static IllegalArgumentException loneSurrogate(char c, int index, String path) {
        return new IllegalArgumentException(String.format(
                "Lone surrogate \\u%04x at index %d of a string at %s: not valid Unicode (I-JSON, RFC 7493 §2.1)",
                (int) c, index, path));
    }

    /**
     * Whether two JSON texts are the same value once canonicalized.
     *
     * @param a one JSON text
     * @param b another
     * @return true if their canonical forms are equal
     */
    public static boolean equivalent(String a, String b) {
        return canonicalize(a).equals(canonicalize(b));
    }
}
