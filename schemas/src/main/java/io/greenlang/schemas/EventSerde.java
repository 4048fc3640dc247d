package io.greenlang.schemas;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka {@link Serde} for one generated event class, using Avro single-object encoding: the two
 * magic bytes {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema,
 * then the Avro binary body.
 *
 * <p>Values are always written with the current generated class's schema. Bytes are read through a
 * {@link SchemaStore} holding every released version (normally {@link ReleasedSchemas#production()}),
 * so a message written by an older release is resolved into the current class, with defaults for
 * fields the old writer did not know.
 *
 * <p>Null handling: with {@link NullBytes#TOMBSTONE} (the default of {@link EventSerdes#serde(Class)})
 * null bytes deserialize to null and a null value serializes to null bytes, which is how Kafka
 * represents a tombstone on a compacted topic (gl.run.state, gl.plant.state, ...). With
 * {@link NullBytes#REJECT} both are a {@link SerializationException}.
 *
 * <p>Decoded arrays are {@link java.util.ArrayList}s, so a decoded event equals the event it was
 * encoded from (Avro's own array type would throw from {@code equals} on nested timestamps).
 *
 * <p>Any bytes that cannot be decoded (empty, truncated, wrong magic, unknown fingerprint, corrupt
 * body) raise a {@link SerializationException} whose message names the event type, the topic and
 * the problem; this class must never let a raw Avro exception or a {@link NullPointerException}
 * escape, and must never return a partially decoded record. Instances are immutable and
 * thread-safe; {@link #close()} is a no-op so one cached instance can be shared by many clients.
 *
 * @param <T> the generated event class
 */
public final class EventSerde<T extends SpecificRecord> implements Serde<T> {

  /** What a {@code null} value or {@code null} bytes mean for this serde. */
  public enum NullBytes {
    /** Null bytes are a tombstone: they deserialize to null, and null serializes to null bytes. */
    TOMBSTONE,
    /** Null bytes and null values are errors ({@link SerializationException}). */
    REJECT
  }

  /** Package prefix of the generated event classes (records and enums) that Avro may instantiate. */
  static final String EVENT_PACKAGE_PREFIX = "io.greenlang.events.";

  /** Length of the single-object header: 2 magic bytes and an 8-byte schema fingerprint. */
  static final int HEADER_LENGTH = 10;

  private static final byte MAGIC_0 = (byte) 0xC3;
  private static final byte MAGIC_1 = (byte) 0x01;
  private static final Logger LOG = LoggerFactory.getLogger(EventSerde.class);

  static {
    // Avro 1.12 refuses to load classes outside its trusted set (SecurityException "Forbidden").
    // Trust the generated event packages once, on top of whatever the JVM already trusts.
    ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        previous, type -> type.getName().startsWith(EVENT_PACKAGE_PREFIX)));
    LOG.debug("Avro class security: trusting classes in {}*", EVENT_PACKAGE_PREFIX);
  }

  private final Class<T> type;
  private final String typeName;
  private final Schema schema;
  private final long fingerprint;
  private final NullBytes nullBytes;
  private final SchemaStore writerSchemas;
  private final byte[] header;
  private final DatumWriter<T> datumWriter;
  private final SpecificData readModel;
  /** Readers by writer-schema fingerprint: each resolves that writer schema into the current class. */
  private final ConcurrentMap<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();
  private final Serializer<T> serializer = this::serialize;
  private final Deserializer<T> deserializer = this::deserialize;

  /**
   * Creates a serde for one generated class. Most code should use {@link EventSerdes#serde(Class)},
   * which caches instances and uses the production store.
   *
   * @param type the generated event class
   * @param writerSchemas store of the schemas the bytes may have been written with, besides the
   *     current one (normally {@link ReleasedSchemas#production()})
   * @param nullBytes what null bytes and null values mean
   * @throws IllegalArgumentException if {@code type} is not an Avro-generated record class
   */
  public EventSerde(Class<T> type, SchemaStore writerSchemas, NullBytes nullBytes) {
    this.type = Objects.requireNonNull(type, "type");
    this.writerSchemas = Objects.requireNonNull(writerSchemas, "writerSchemas");
    this.nullBytes = Objects.requireNonNull(nullBytes, "nullBytes");
    SpecificData model = SpecificData.getForClass(type);
    try {
      this.schema = model.getSchema(type);
    } catch (AvroRuntimeException e) {
      throw new IllegalArgumentException(type.getName() + " is not an Avro-generated record class", e);
    }
    if (schema.getType() != Schema.Type.RECORD || !type.getName().equals(schema.getFullName())) {
      throw new IllegalArgumentException(type.getName() + " is not an Avro-generated record class");
    }
    this.typeName = type.getSimpleName();
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
        .put(MAGIC_0).put(MAGIC_1).putLong(fingerprint).array();
    this.datumWriter = new SpecificDatumWriter<>(schema, model);
    this.readModel = new ListArraysData(model, type.getClassLoader());
  }

  /**
   * Encodes an event.
   *
   * @param topic topic the event is written to, used in error messages only
   * @param event the event; null is a tombstone (see {@link NullBytes})
   * @return the single-object encoding, or null for a tombstone
   * @throws SerializationException if the event is null and tombstones are rejected, or cannot be
   *     encoded (e.g. a required field is null)
   */
  public byte[] serialize(String topic, T event) {
    if (event == null) {
      if (nullBytes == NullBytes.TOMBSTONE) {
        return null;
      }
      throw new SerializationException(String.format(
          "Cannot encode %s for topic %s: null value, and this serde does not write tombstones", typeName, topic));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      // Avro's BinaryMessageEncoder writes byte by byte to the stream; a buffered encoder is faster.
      out.write(header, 0, HEADER_LENGTH);
      BinaryEncoder body = EncoderFactory.get().binaryEncoder(out, null);
      datumWriter.write(event, body);
      body.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(String.format(
          "Cannot encode %s for topic %s: %s", typeName, topic, describe(e)), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes an event written with the current schema or any schema in the writer-schema store.
   *
   * @param topic topic the bytes were read from, used in error messages only
   * @param bytes single-object-encoded bytes; null is a tombstone (see {@link NullBytes})
   * @return the event in the current class, or null for a tombstone
   * @throws SerializationException naming the topic and the problem if the bytes cannot be decoded
   */
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      if (nullBytes == NullBytes.TOMBSTONE) {
        return null;
      }
      throw decodeFailure(topic, "null bytes, and this serde does not accept tombstones", null);
    }
    if (bytes.length < HEADER_LENGTH) {
      throw decodeFailure(topic, String.format("truncated: %d bytes, shorter than the %d-byte single-object "
          + "header (C3 01 + 8-byte schema fingerprint)", bytes.length, HEADER_LENGTH), null);
    }
    if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw decodeFailure(topic, String.format("wrong magic bytes 0x%02X 0x%02X, expected 0xC3 0x01 "
          + "(not Avro single-object encoding)", bytes[0], bytes[1]), null);
    }
    long writerFingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = writerFingerprint == fingerprint ? schema : writerSchemas.findByFingerprint(writerFingerprint);
    if (writer == null) {
      throw decodeFailure(topic, String.format("unknown schema fingerprint 0x%016x (neither the current "
          + "schema 0x%016x nor a released version)", writerFingerprint, fingerprint), null);
    }
    if (!writer.getFullName().equals(schema.getFullName()) && !schema.getAliases().contains(writer.getFullName())) {
      throw decodeFailure(topic, String.format("the bytes hold a %s (schema fingerprint 0x%016x), not a %s",
          writer.getFullName(), writerFingerprint, schema.getFullName()), null);
    }
    try {
      checkBody(writer, bytes);
      // Avro's BinaryMessageDecoder reads the body byte by byte from a stream; decoding from the array with a
      // buffered decoder is about three times faster on a batch of a few hundred samples.
      return reader(writerFingerprint, writer).read(null, DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH,
          bytes.length - HEADER_LENGTH, null));
    } catch (SecurityException e) {
      // Not bad data: someone replaced Avro's global ClassSecurityValidator after this class set it.
      throw decodeFailure(topic, "Avro's ClassSecurityValidator refuses to instantiate the event classes: "
          + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      String problem = hasCause(e, EOFException.class)
          ? String.format("truncated body: the record needs more than the %d bytes after the header",
              bytes.length - HEADER_LENGTH)
          : "corrupt body: " + describe(e);
      throw decodeFailure(topic, String.format("%s (writer schema fingerprint 0x%016x)", problem,
          writerFingerprint), e);
    }
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> reader(long writerFingerprint, Schema writer) {
    return readers.computeIfAbsent(writerFingerprint, f -> (DatumReader<T>) readModel.createDatumReader(writer, schema));
  }

  /**
   * Walks the body by the writer schema without building objects. Avro's reader allocates a string,
   * bytes or collection of the size announced in the data before reading it, so a few garbage bytes
   * announcing a 1 GB string would exhaust the heap; skipping instead fails fast with an
   * {@link EOFException} when a length runs past the end, which bounds what decoding will allocate.
   */
  private static void checkBody(Schema writer, byte[] bytes) throws IOException {
    BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
    GenericDatumReader.skip(writer, body);
    if (!body.isEnd()) {
      throw new IOException("trailing bytes after the end of the record");
    }
  }

  /**
   * The generated class this serde reads and writes.
   *
   * @return the class
   */
  public Class<T> type() {
    return type;
  }

  /**
   * The current schema, which every value is written with.
   *
   * @return the schema of {@link #type()}
   */
  public Schema schema() {
    return schema;
  }

  /**
   * CRC-64-AVRO fingerprint of the current schema, as written in each message header.
   *
   * @return the fingerprint
   */
  public long fingerprint() {
    return fingerprint;
  }

  /**
   * What null bytes and null values mean for this serde.
   *
   * @return the null handling
   */
  public NullBytes nullBytes() {
    return nullBytes;
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  /** No-op: the serde holds no resources, and a cached instance is shared by many clients. */
  @Override
  public void close() {
    // nothing to release
  }

  @Override
  public String toString() {
    return "EventSerde[" + type.getName() + ", nulls=" + nullBytes + "]";
  }

  /**
   * The generated class's model, except that decoded arrays are {@link ArrayList}s: Avro's default
   * {@code GenericData.Array} compares elements with a model that has no logical-type conversions,
   * so a decoded record holding an array of records with a nullable timestamp throws from
   * {@code equals} instead of comparing equal to the record it was encoded from.
   */
  private static final class ListArraysData extends SpecificData {

    ListArraysData(SpecificData generated, ClassLoader classLoader) {
      super(classLoader);
      generated.getConversions().forEach(this::addLogicalTypeConversion);
    }

    @Override
    public Object newArray(Object old, int size, Schema schema) {
      if (old instanceof Collection<?> reused) {
        reused.clear();
        return reused;
      }
      return new ArrayList<>(size);
    }
  }

  private SerializationException decodeFailure(String topic, String problem, Throwable cause) {
    return new SerializationException(
        String.format("Cannot decode %s from topic %s: %s", typeName, topic, problem), cause);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> causeType) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (causeType.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message of an exception chain, with its type, e.g. "EOFException: null". */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
