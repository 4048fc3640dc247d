package io.greenlang.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.greenlang.events.run.RunCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParser;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SchemaEvolutionTest {

  private static final String TOPIC = "gl.run.commands";
  private static final Path RELEASED_DIR = Path.of("src/main/avro-released");

  static final List<Class<? extends SpecificRecord>> EVENT_TYPES = EventSerdes.EVENT_TYPES;

  @Test
  void shouldDecodeBytesWrittenWithOlderVersionIntoCurrentClassFillingDefaults() throws IOException {
    Schema v0 = olderRunCommandV0();
    byte[] v0Bytes = writeWithV0(v0);
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(v0);
    EventSerde<RunCommand> serde = new EventSerde<>(RunCommand.class, withProduction(store), EventSerde.NullBytes.REJECT);

    RunCommand decoded = serde.deserialize(TOPIC, v0Bytes);

    RunCommand expected = EventSamples.sample(RunCommand.class);
    expected.setReason(null); // v0 had no reason: the current schema's default fills it in
    assertThat(decoded).isEqualTo(expected);
  }

  @Test
  void shouldRejectBytesOfOlderVersionThatWasNeverReleased() throws IOException {
    Schema v0 = olderRunCommandV0();
    byte[] v0Bytes = writeWithV0(v0);

    assertThatThrownBy(() -> EventSerdes.serde(RunCommand.class).deserialize(TOPIC, v0Bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(String.format("Cannot decode RunCommand from topic gl.run.commands: "
            + "unknown schema fingerprint 0x%016x", SchemaNormalization.parsingFingerprint64(v0)));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("EVENT_TYPES")
  void shouldHoldReleasedV1OfEveryEventTypeInProductionStore(Class<? extends SpecificRecord> type) throws IOException {
    String fullName = type.getName();
    Path onDisk = RELEASED_DIR.resolve(fullName).resolve("v1.avsc");
    Schema v1OnDisk = new SchemaParser().parse(onDisk).mainSchema();

    List<ReleasedSchemas.Version> versions = ReleasedSchemas.production().versionsOf(fullName);

    assertThat(versions).isNotEmpty();
    assertThat(versions.get(0).version()).isEqualTo(1);
    assertThat(versions.get(0).schema()).isEqualTo(v1OnDisk);
    assertThat(ReleasedSchemas.production().findByFingerprint(SchemaNormalization.parsingFingerprint64(v1OnDisk)))
        .isEqualTo(v1OnDisk);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("EVENT_TYPES")
  void shouldHaveReleasedTheCurrentSchemaOfEveryEventType(Class<? extends SpecificRecord> type) throws IOException {
    Schema current = SpecificData.get().getSchema(type);
    long fingerprint = SchemaNormalization.parsingFingerprint64(current);
    if (ReleasedSchemas.production().findByFingerprint(fingerprint) != null) {
      return;
    }
    // Not released: leave the file to add next to the failure, so releasing is a copy.
    List<ReleasedSchemas.Version> released = ReleasedSchemas.production().versionsOf(type.getName());
    String candidate = type.getName() + "/v" + (released.isEmpty() ? 1 : released.get(released.size() - 1).version() + 1)
        + ".avsc";
    Path written = Path.of("target/unreleased-schemas").resolve(candidate);
    Files.createDirectories(written.getParent());
    Files.writeString(written, SchemaFormatter.format("json/pretty", sourceSchemas().get(type.getName())) + "\n");

    fail("The current %s schema (fingerprint 0x%016x) changed on the wire but is not released, so bytes "
        + "written by this build would become unreadable after the next change. Copy %s to "
        + "src/main/avro-released/%s and add '%s' to src/main/avro-released/index.txt.",
        type.getSimpleName(), fingerprint, written, candidate, candidate);
  }

  @Test
  void shouldReleaseOnlyTopLevelEventTypes() {
    assertThat(ReleasedSchemas.production().fullNames())
        .containsExactlyInAnyOrderElementsOf(EVENT_TYPES.stream().map(Class::getName).toList());
  }

  @Test
  void shouldListEveryReleasedSchemaFileInTheIndex() throws IOException {
    List<String> onDisk;
    try (Stream<Path> files = Files.walk(RELEASED_DIR)) {
      onDisk = files.filter(p -> p.toString().endsWith(".avsc"))
          .map(p -> RELEASED_DIR.relativize(p).toString().replace('\\', '/')).toList();
    }

    assertThat(ReleasedSchemas.production().all())
        .extracting(v -> v.resource().substring("avro-released/".length()))
        .containsExactlyInAnyOrderElementsOf(onDisk);
  }

  @Test
  void shouldFailLoadingWhenReleasedFileDeclaresAnotherRecordThanItsDirectory() {
    assertThatThrownBy(() -> ReleasedSchemas.load(getClass().getClassLoader(), "broken-released/wrong-name.txt"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Released schema broken-released/io.greenlang.events.run.RunCommand/v1.avsc declares "
            + "RECORD io.greenlang.events.run.StepEvent, expected record io.greenlang.events.run.RunCommand");
  }

  @Test
  void shouldFailLoadingWhenIndexListsMissingFile() {
    assertThatThrownBy(() -> ReleasedSchemas.load(getClass().getClassLoader(), "broken-released/missing-file.txt"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broken-released/io.greenlang.events.run.RunCommand/v7.avsc is listed in "
            + "broken-released/missing-file.txt but is not on the classpath");
  }

  /** The schemas as written in src/main/avro (without the generated classes' Java-specific properties), by full name. */
  private static Map<String, Schema> sourceSchemas() throws IOException {
    SchemaParser parser = new SchemaParser();
    List<SchemaParser.ParseResult> results = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
        results.add(parser.parse(file));
      }
    }
    return results.stream().map(SchemaParser.ParseResult::mainSchema)
        .collect(Collectors.toMap(Schema::getFullName, schema -> schema));
  }

  /** A store with the given extra schemas in front of the production released schemas. */
  private static SchemaStore withProduction(SchemaStore extra) {
    return fingerprint -> {
      Schema schema = extra.findByFingerprint(fingerprint);
      return schema != null ? schema : ReleasedSchemas.production().findByFingerprint(fingerprint);
    };
  }

  private static Schema olderRunCommandV0() throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/older-schemas/RunCommand-v0.avsc")) {
      assertThat(in).as("test resource older-schemas/RunCommand-v0.avsc").isNotNull();
      Schema v0 = new SchemaParser().parse(in, StandardCharsets.UTF_8).mainSchema();
      assertThat(v0.getField("reason")).as("v0 predates the reason field").isNull();
      assertThat(RunCommand.getClassSchema().getField("reason").hasDefaultValue()).isTrue();
      return v0;
    }
  }

  /** Writes the RunCommand sample (without its reason) the way a producer built against v0 did. */
  private static byte[] writeWithV0(Schema v0) throws IOException {
    RunCommand sample = EventSamples.sample(RunCommand.class);
    Schema metaSchema = v0.getField("meta").schema();
    Schema producerSchema = metaSchema.getField("producer").schema();
    GenericRecord producer = new GenericRecordBuilder(producerSchema)
        .set("service", sample.getMeta().getProducer().getService())
        .set("instance", sample.getMeta().getProducer().getInstance())
        .build();
    GenericRecord meta = new GenericRecordBuilder(metaSchema)
        .set("event_id", sample.getMeta().getEventId())
        .set("occurred_at", sample.getMeta().getOccurredAt().toEpochMilli())
        .set("tenant_id", sample.getMeta().getTenantId())
        .set("producer", producer)
        .set("trace_id", sample.getMeta().getTraceId())
        .build();
    GenericRecord command = new GenericRecordBuilder(v0)
        .set("meta", meta)
        .set("run_id", sample.getRunId())
        .set("command", new GenericData.EnumSymbol(v0.getField("command").schema(), sample.getCommand().name()))
        .set("actor", sample.getActor())
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(command, out);
    return out.toByteArray();
  }
}
