package io.greenlang.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class EventSerdeTest {

  private static final String TOPIC = "gl.test.events";

  static final List<Class<? extends SpecificRecord>> EVENT_TYPES = EventSerdes.EVENT_TYPES;

  @ParameterizedTest(name = "{0}")
  @FieldSource("EVENT_TYPES")
  void shouldRoundTripSampleOfEveryEventTypeThroughItsSerde(Class<? extends SpecificRecord> type) {
    assertRoundTrip(type);
  }

  private static <T extends SpecificRecord> void assertRoundTrip(Class<T> type) {
    EventSerde<T> serde = EventSerdes.serde(type);
    T sample = EventSamples.sample(type);

    byte[] bytes = serde.serializer().serialize(TOPIC, sample);
    T decoded = serde.deserializer().deserialize(TOPIC, bytes);

    assertThat(decoded).isInstanceOf(type).isEqualTo(sample);
    assertThat(sample).isEqualTo(decoded);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("EVENT_TYPES")
  void shouldWriteTheSameBytesAsAvrosOwnSingleObjectEncoderAndReadWhatItWrites(Class<? extends SpecificRecord> type)
      throws Exception {
    assertSameEncodingAsAvro(type);
  }

  private static <T extends SpecificRecord> void assertSameEncodingAsAvro(Class<T> type) throws Exception {
    EventSerde<T> serde = EventSerdes.serde(type);
    T sample = EventSamples.sample(type);
    BinaryMessageEncoder<T> avroEncoder = new BinaryMessageEncoder<>(SpecificData.getForClass(type), serde.schema());

    byte[] avroBytes = avroEncoder.encode(sample).array();

    assertThat(serde.serializer().serialize(TOPIC, sample)).isEqualTo(avroBytes);
    assertThat(serde.deserializer().deserialize(TOPIC, avroBytes)).isEqualTo(sample);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("EVENT_TYPES")
  void shouldPrefixEveryMessageWithMagicAndCurrentSchemaFingerprint(Class<? extends SpecificRecord> type) {
    byte[] bytes = encodeSample(type);

    long expected = SchemaNormalization.parsingFingerprint64(EventSamples.sample(type).getSchema());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(expected);
    assertThat(EventSerdes.serde(type).fingerprint()).isEqualTo(expected);
  }

  @Test
  void shouldRoundTripThroughKafkaHeadersAndByteBufferVariants() {
    EventSerde<RunState> serde = EventSerdes.serde(RunState.class);
    RunState sample = EventSamples.sample(RunState.class);

    byte[] bytes = serde.serializer().serialize(TOPIC, new RecordHeaders(), sample);

    assertThat(serde.deserializer().deserialize(TOPIC, new RecordHeaders(), ByteBuffer.wrap(bytes)))
        .isEqualTo(sample);
  }

  @Test
  void shouldTreatNullBytesAsTombstoneByDefault() {
    EventSerde<RunState> serde = EventSerdes.serde(RunState.class);

    assertThat(serde.nullBytes()).isEqualTo(EventSerde.NullBytes.TOMBSTONE);
    assertThat(serde.deserialize("gl.run.state", null)).isNull();
    assertThat(serde.serialize("gl.run.state", null)).isNull();
  }

  @Test
  void shouldRejectNullBytesAndNullValuesWhenTombstonesAreNotAllowed() {
    EventSerde<RunCommand> serde = EventSerdes.serde(RunCommand.class, EventSerde.NullBytes.REJECT);

    assertThatThrownBy(() -> serde.deserialize("gl.run.commands", null))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Cannot decode RunCommand from topic gl.run.commands: "
            + "null bytes, and this serde does not accept tombstones");
    assertThatThrownBy(() -> serde.serialize("gl.run.commands", null))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("gl.run.commands")
        .hasMessageContaining("null value");
  }

  @Test
  void shouldWrapEncodingFailureOfIncompleteEventInSerializationExceptionNamingTopic() {
    RunCommand incomplete = new RunCommand(); // every required field is null

    assertThatThrownBy(() -> EventSerdes.serde(RunCommand.class).serialize("gl.run.commands", incomplete))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot encode RunCommand for topic gl.run.commands: ");
  }

  @Test
  void shouldCacheOneSerdePerEventTypeAndNullHandlingAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<EventSerde<RunCommand>>> calls =
          IntStream.range(0, 32).mapToObj(i -> (Callable<EventSerde<RunCommand>>) () ->
              EventSerdes.serde(RunCommand.class)).toList();
      List<EventSerde<RunCommand>> serdes = pool.invokeAll(calls).stream().map(EventSerdeTest::get).toList();

      assertThat(serdes).allSatisfy(s -> assertThat(s).isSameAs(EventSerdes.serde(RunCommand.class)));
      assertThat(EventSerdes.serde(RunCommand.class, EventSerde.NullBytes.REJECT))
          .isNotSameAs(EventSerdes.serde(RunCommand.class))
          .isSameAs(EventSerdes.serde(RunCommand.class, EventSerde.NullBytes.REJECT));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldDecodeConcurrentlyWithOneSharedSerde() throws Exception {
    EventSerde<RunState> serde = EventSerdes.serde(RunState.class);
    RunState sample = EventSamples.sample(RunState.class);
    byte[] bytes = serde.serialize(TOPIC, sample);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> calls = IntStream.range(0, 4).mapToObj(i -> (Callable<Boolean>) () ->
          IntStream.range(0, 500).allMatch(n -> sample.equals(serde.deserialize(TOPIC, bytes))
              && java.util.Arrays.equals(bytes, serde.serialize(TOPIC, sample)))).toList();

      assertThat(pool.invokeAll(calls).stream().map(EventSerdeTest::get)).containsOnly(true);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldStayUsableAfterCloseBecauseSerdesAreShared() {
    EventSerde<RunCommand> serde = EventSerdes.serde(RunCommand.class);
    serde.serializer().close();
    serde.deserializer().close();
    serde.close();

    assertThat(serde.deserialize(TOPIC, encodeSample(RunCommand.class)))
        .isEqualTo(EventSamples.sample(RunCommand.class));
  }

  @Test
  void shouldListNineteenTopLevelEventTypesAndNotTheEnvelope() {
    assertThat(EventSerdes.EVENT_TYPES).hasSize(19).doesNotHaveDuplicates().doesNotContain(EventMeta.class);
    assertThat(EventSerdes.EVENT_TYPES)
        .allSatisfy(type -> assertThat(type.getPackageName()).startsWith("io.greenlang.events."));
  }

  @Test
  void shouldRefuseSerdeForRecordThatIsNotATopLevelEvent() {
    assertThatThrownBy(() -> EventSerdes.serde(EventMeta.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("io.greenlang.events.common.EventMeta is not a top-level event type");
  }

  private static <T extends SpecificRecord> byte[] encodeSample(Class<T> type) {
    return EventSerdes.serde(type).serialize(TOPIC, EventSamples.sample(type));
  }

  private static <V> V get(Future<V> future) {
    try {
      return future.get();
    } catch (Exception e) {
      throw new AssertionError("task failed", e);
    }
  }
}
