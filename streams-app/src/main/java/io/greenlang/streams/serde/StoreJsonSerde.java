package io.greenlang.streams.serde;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde of the topologies' internal store values (the run orchestrator's runs and schedule, the plant and
 * agent-health records). JSON, not Avro, because these values are private to one topology: fields are matched by name, unknown ones are ignored
 * and missing ones take the field's default, which gives forward and backward compatibility without a schema
 * registry or a store of old schemas (what an Avro store value would need to stay readable across releases).
 * The price is size (about twice Avro's) on the changelog; the run-store's cache coalesces most writes.
 *
 * <p>Integers are read as {@code Long} (the type the planner binds numeric parameters to).
 *
 * @param <T> the value type
 */
public final class StoreJsonSerde<T> implements Serde<T> {

    /** The mapper: fields (any visibility) and constructors only, unknown fields ignored, integers as Long. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.USE_LONG_FOR_INTS, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private final Class<T> type;
    private final ObjectWriter writer;
    private final ObjectReader reader;

    /** @param type the store value's class */
    public StoreJsonSerde(Class<T> type) {
        this.type = type;
        this.writer = MAPPER.writerFor(type);
        this.reader = MAPPER.readerFor(type);
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
                return reader.readValue(bytes);
            } catch (IOException e) {
                throw new SerializationException("Cannot decode " + type.getSimpleName() + " from " + topic, e);
            }
        };
    }
}
