package io.greenlang.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.StepEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventSerdeDecodeErrorTest {

  private static final String TOPIC = "gl.run.requests";
  private static final String PREFIX = "Cannot decode RunRequested from topic gl.run.requests: ";

  private final EventSerde<RunRequested> serde = EventSerdes.serde(RunRequested.class);
  private final byte[] valid = serde.serialize(TOPIC, EventSamples.sample(RunRequested.class));

  @Test
  void shouldRejectGarbageBodyBehindValidHeaderNamingTopicAndProblem() {
    byte[] garbage = Arrays.copyOf(valid, valid.length);
    Arrays.fill(garbage, 10, garbage.length, (byte) 0xFF);

    assertThatThrownBy(() -> serde.deserialize(TOPIC, garbage))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(PREFIX + "corrupt body: ")
        .hasMessageContaining(String.format("writer schema fingerprint 0x%016x", serde.fingerprint()));
  }

  @Test
  void shouldRejectTextThatIsNotAvroAsWrongMagic() {
    byte[] text = "{\"run_id\":\"5b0c7f3e\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> serde.deserialize(TOPIC, text))
        .isInstanceOf(SerializationException.class)
        .hasMessage(PREFIX + "wrong magic bytes 0x7B 0x22, expected 0xC3 0x01 (not Avro single-object encoding)");
  }

  @Test
  void shouldRejectWrongMagicBytes() {
    byte[] wrongMagic = Arrays.copyOf(valid, valid.length);
    wrongMagic[1] = 0x02;

    assertThatThrownBy(() -> serde.deserialize(TOPIC, wrongMagic))
        .isInstanceOf(SerializationException.class)
        .hasMessage(PREFIX + "wrong magic bytes 0xC3 0x02, expected 0xC3 0x01 (not Avro single-object encoding)");
  }

  @Test
  void shouldRejectMessageTruncatedInsideTheBody() {
    byte[] truncated = Arrays.copyOf(valid, valid.length / 2);

    assertThatThrownBy(() -> serde.deserialize(TOPIC, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(PREFIX + "truncated body: the record needs more than the "
            + (truncated.length - 10) + " bytes after the header");
  }

  @Test
  void shouldRejectMessageTruncatedInsideTheHeader() {
    byte[] truncated = Arrays.copyOf(valid, 6);

    assertThatThrownBy(() -> serde.deserialize(TOPIC, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessage(PREFIX + "truncated: 6 bytes, shorter than the 10-byte single-object header "
            + "(C3 01 + 8-byte schema fingerprint)");
  }

  @Test
  void shouldRejectEmptyBytesAsTruncated() {
    assertThatThrownBy(() -> serde.deserialize(TOPIC, new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(PREFIX + "truncated: 0 bytes");
  }

  @Test
  void shouldRejectUnknownSchemaFingerprint() {
    byte[] unknown = Arrays.copyOf(valid, valid.length);
    ByteBuffer.wrap(unknown, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);

    assertThatThrownBy(() -> serde.deserialize(TOPIC, unknown))
        .isInstanceOf(SerializationException.class)
        .hasMessage(PREFIX + String.format("unknown schema fingerprint 0x0123456789abcdef (neither the current "
            + "schema 0x%016x nor a released version)", serde.fingerprint()));
  }

  @Test
  void shouldRejectBytesOfAnotherEventTypeReadFromTheWrongTopic() {
    byte[] stepEvent = EventSerdes.serde(StepEvent.class).serialize("gl.step.events", EventSamples.sample(StepEvent.class));

    assertThatThrownBy(() -> serde.deserialize(TOPIC, stepEvent))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(PREFIX + "the bytes hold a io.greenlang.events.run.StepEvent")
        .hasMessageEndingWith("not a io.greenlang.events.run.RunRequested");
  }

  @Test
  void shouldRejectTrailingBytesAfterTheRecord() {
    byte[] trailing = Arrays.copyOf(valid, valid.length + 3);

    assertThatThrownBy(() -> serde.deserialize(TOPIC, trailing))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(PREFIX + "corrupt body: ")
        .hasMessageContaining("trailing bytes after the end of the record");
  }

  @Test
  void shouldRejectHugeLengthPrefixWithoutAllocatingIt() throws IOException {
    // Header of RunRequested, then the first string (meta.event_id) claiming to be ~2 GB long.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(valid, 0, 10);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    encoder.writeLong(Integer.MAX_VALUE - 16L);
    encoder.flush();
    out.write("abc".getBytes(StandardCharsets.UTF_8));

    byte[] poison = out.toByteArray();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    serde.deserialize(TOPIC, valid); // warm up, so class loading is not counted
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();

    assertThatThrownBy(() -> serde.deserialize(TOPIC, poison))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(PREFIX + "truncated body: ");
    assertThat(threads.getCurrentThreadAllocatedBytes() - allocatedBefore)
        .as("bytes allocated while rejecting a 13-byte message").isLessThan(16L * 1024 * 1024);
  }
}
