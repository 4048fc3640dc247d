package io.greenlang.streams.serde;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.smile.SmileConstants;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the topologies' internal store values (the run orchestrator's runs and schedule, the plant, window and
 * agent-health records), in the JSON data model: fields are matched by name, unknown ones are ignored and missing
 * ones take the field's default, which gives forward and backward compatibility without a schema registry or a
 * store of old schemas (what an Avro store value would need to stay readable across releases). Not Avro, because
 * these values are private to one topology.
 *
 * <p><b>Encoding.</b> Values are written as Smile, Jackson's binary form of JSON (same data model; numbers in
 * binary, repeated field names and map keys written once and referenced after), which is about half the size of
 * JSON text and three times faster to read and write: the plant topology writes a plant record and a window of
 * statistics per telemetry batch, where text parsing and printing of doubles was most of its work. Values are
 * read in either encoding, told apart by Smile's header ({@code :)\n}, which JSON text never starts with), so
 * state stores and changelogs written as JSON text by earlier releases are read as they are and rewritten as
 * Smile on their next update. A release that only reads JSON text cannot read what this one wrote.
 *
 * <p>Integers are read as {@code Long} (the type the planner binds numeric parameters to).
 *
 * @param <T> the value type
 */
public final class StoreSerde<T> implements Serde<T> {

    /** The JSON text mapper: fields (any visibility) and constructors only, unknown fields ignored, integers as Long. */
    public static final ObjectMapper MAPPER = configure(JsonMapper.builder());
    /** The same mapping, in Smile. */
    public static final ObjectMapper SMILE_MAPPER = configure(SmileMapper.builder());

    private final Class<T> type;
    private final ObjectWriter writer;
    private final ObjectReader smileReader;
    private final ObjectReader jsonReader;

    /** @param type the store value's class */
    public StoreSerde(Class<T> type) {
        this.type = type;
        this.writer = SMILE_MAPPER.writerFor(type);
        this.smileReader = SMILE_MAPPER.readerFor(type);
        this.jsonReader = MAPPER.readerFor(type);
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> M configure(B builder) {
        return builder
                .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .visibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.USE_LONG_FOR_INTS, true)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .build();
    }

    /** True if {@code bytes} start with the Smile header (Smile's writer always writes it). */
    static boolean isSmile(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == SmileConstants.HEADER_BYTE_1
                && bytes[1] == SmileConstants.HEADER_BYTE_2 && bytes[2] == SmileConstants.HEADER_BYTE_3;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("Cannot encode " + type.getSimpleName() + " for " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return (isSmile(bytes) ? smileReader : jsonReader).readValue(bytes);
            } catch (IOException e) {
                throw new SerializationException("Cannot decode " + type.getSimpleName() + " from " + topic, e);
            }
        };
    }
}
