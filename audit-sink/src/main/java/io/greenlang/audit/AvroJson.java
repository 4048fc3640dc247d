package io.greenlang.audit;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.common.json.CanonicalJson;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * The audit chain's Avro-to-JSON mapping (docs/audit-hash.md, "Avro to JSON"): the JSON value whose RFC 8785
 * text is hashed into the chain. It walks the record's schema, so it covers every event type without per-type
 * code:
 *
 * <ul>
 *   <li>record and map: object (field names as in the schema; map keys as is); array: array</li>
 *   <li>union: the value itself ({@code null} or the branch value), never a type wrapper</li>
 *   <li>enum: the symbol; string: as is; boolean: as is; int and long: number</li>
 *   <li>float and double: number (a float is widened to the double of the same value); NaN and infinities: the
 *       strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}</li>
 *   <li>{@code timestamp-millis}: ISO-8601 UTC with milliseconds, {@code "2026-11-22T10:00:00.000Z"}</li>
 *   <li>bytes and fixed: standard Base64 with padding</li>
 * </ul>
 *
 * <p>A long beyond 2^53 has no exact JSON number and is rejected by {@link CanonicalJson}; so is any logical type
 * other than {@code timestamp-millis}: a new one needs a documented mapping first, because changing the mapping
 * changes every hash. This class must never be used for anything but the audit chain: it is not Avro's own JSON
 * encoding and cannot be decoded back.
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String TIMESTAMP_MILLIS_NAME = LogicalTypes.timestampMillis().getName();

    private AvroJson() {
    }

    /**
     * The event as a JSON tree under the mapping above.
     *
     * @param record an Avro record (specific or generic)
     * @return a new object node
     * @throws IllegalArgumentException if a value does not fit its schema or a logical type has no mapping
     */
    public static ObjectNode toJson(IndexedRecord record) {
        Objects.requireNonNull(record, "record");
        return (ObjectNode) value(record.getSchema(), record, record.getSchema().getFullName());
    }

    /**
     * The RFC 8785 text of {@link #toJson(IndexedRecord)}: the {@code canonical_json} of the audit chain.
     *
     * @param event the event
     * @return canonical JSON text
     */
    public static String canonicalJson(IndexedRecord event) {
        return CanonicalJson.canonicalize(toJson(event));
    }

    private static JsonNode value(Schema schema, Object value, String path) {
        LogicalType logicalType = schema.getLogicalType();
        if (logicalType != null && !TIMESTAMP_MILLIS_NAME.equals(logicalType.getName())) {
            throw new IllegalArgumentException(path + ": logical type " + logicalType.getName()
                    + " has no audit JSON mapping (docs/audit-hash.md)");
        }
        switch (schema.getType()) {
            case NULL:
                requireType(value == null, schema, value, path);
                return NODES.nullNode();
            case RECORD: {
                requireType(value instanceof IndexedRecord, schema, value, path);
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), value(field.schema(), record.get(field.pos()), path + "." + field.name()));
                }
                return node;
            }
            case ENUM:
                requireType(value instanceof Enum<?> || value instanceof GenericEnumSymbol<?>, schema, value, path);
                return NODES.textNode(value.toString());
            case ARRAY: {
                requireType(value instanceof Collection<?>, schema, value, path);
                ArrayNode node = NODES.arrayNode();
                int index = 0;
                for (Object element : (Collection<?>) value) {
                    node.add(value(schema.getElementType(), element, path + "[" + index++ + "]"));
                }
                return node;
            }
            case MAP: {
                requireType(value instanceof Map<?, ?>, schema, value, path);
                ObjectNode node = NODES.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    String key = entry.getKey().toString();
                    node.set(key, value(schema.getValueType(), entry.getValue(), path + "." + key));
                }
                return node;
            }
            case UNION:
                return value(branch(schema, value, path), value, path);
            case STRING:
                requireType(value instanceof CharSequence, schema, value, path);
                return NODES.textNode(value.toString());
            case BYTES: {
                requireType(value instanceof ByteBuffer, schema, value, path);
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case FIXED:
                requireType(value instanceof GenericFixed, schema, value, path);
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
            case BOOLEAN:
                requireType(value instanceof Boolean, schema, value, path);
                return NODES.booleanNode((Boolean) value);
            case INT:
                requireType(value instanceof Integer, schema, value, path);
                return NODES.numberNode((Integer) value);
            case LONG:
                if (logicalType != null) {
                    return NODES.textNode(TIMESTAMP_MILLIS.format(instant(value, schema, path)));
                }
                requireType(value instanceof Long, schema, value, path);
                return NODES.numberNode((Long) value);
            case FLOAT:
                requireType(value instanceof Float, schema, value, path);
                return number((double) (Float) value);
            case DOUBLE:
                requireType(value instanceof Double, schema, value, path);
                return number((Double) value);
            default:
                throw new IllegalArgumentException(path + ": unsupported Avro type " + schema.getType());
        }
    }

    private static JsonNode number(double value) {
        return Double.isFinite(value) ? NODES.numberNode(value) : NODES.textNode(Double.toString(value));
    }

    private static Instant instant(Object value, Schema schema, String path) {
        if (value instanceof Instant instant) {
            return instant;
        }
        requireType(value instanceof Long, schema, value, path);
        return Instant.ofEpochMilli((Long) value);
    }

    /** The first branch of the union whose type fits the value, as Avro's writer would choose it. */
    private static Schema branch(Schema union, Object value, String path) {
        for (Schema branch : union.getTypes()) {
            if (fits(branch, value)) {
                return branch;
            }
        }
        throw new IllegalArgumentException(path + ": value of " + describe(value) + " fits no branch of " + union);
    }

    private static boolean fits(Schema schema, Object value) {
        return switch (schema.getType()) {
            case NULL -> value == null;
            case RECORD -> value instanceof IndexedRecord record
                    && record.getSchema().getFullName().equals(schema.getFullName());
            case ENUM -> (value instanceof Enum<?> || value instanceof GenericEnumSymbol<?>)
                    && schema.hasEnumSymbol(value.toString());
            case FIXED -> value instanceof GenericFixed fixed && fixed.getSchema().getFullName().equals(schema.getFullName());
            case ARRAY -> value instanceof Collection<?>;
            case MAP -> value instanceof Map<?, ?>;
            case STRING -> value instanceof CharSequence;
            case BYTES -> value instanceof ByteBuffer;
            case BOOLEAN -> value instanceof Boolean;
            case INT -> value instanceof Integer;
            case LONG -> value instanceof Long || (schema.getLogicalType() != null && value instanceof Instant);
            case FLOAT -> value instanceof Float;
            case DOUBLE -> value instanceof Double;
            default -> false;
        };
    }

    private static void requireType(boolean fits, Schema schema, Object value, String path) {
        if (!fits) {
            throw new IllegalArgumentException(path + ": expected " + schema.getType() + ", got " + describe(value));
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
