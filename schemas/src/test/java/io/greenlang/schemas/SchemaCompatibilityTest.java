package io.greenlang.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.StepEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The compatibility gate: the current schema of every event must be able to read every released
 * version of it. All tests go through {@link #incompatibilities(Schema, Schema)}; the tests that
 * edit a copy of a released schema and see the change caught prove that the gate itself can fail.
 */
class SchemaCompatibilityTest {

  static final List<Class<? extends SpecificRecord>> EVENT_TYPES = EventSerdes.EVENT_TYPES;

  @ParameterizedTest(name = "{0}")
  @FieldSource("EVENT_TYPES")
  void shouldReadEveryReleasedVersionWithTheCurrentSchema(Class<? extends SpecificRecord> type) {
    Schema current = SpecificData.get().getSchema(type);
    List<ReleasedSchemas.Version> released = ReleasedSchemas.production().versionsOf(type.getName());
    assertThat(released).as("released versions of %s", type.getName()).isNotEmpty();

    for (ReleasedSchemas.Version version : released) {
      assertThat(incompatibilities(current, version.schema()))
          .as("the current %s cannot read bytes written with released %s: make the change compatible "
              + "(e.g. give the new field a default) instead", type.getSimpleName(), version.resource())
          .isEmpty();
    }
  }

  @Test
  void shouldDetectNewFieldWithoutDefaultAsIncompatible() {
    Schema released = releasedV1(RunCommand.class);
    Schema changed = withExtraField(released,
        new Schema.Field("priority", Schema.create(Schema.Type.INT), "Priority of the command."));

    assertThat(incompatibilities(changed, released))
        .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT").contains("priority");
  }

  @Test
  void shouldDetectFieldTypeChangeAsIncompatible() {
    Schema released = releasedV1(StepEvent.class);
    Schema changed = withFieldType(released, "attempt", Schema.create(Schema.Type.STRING));

    assertThat(incompatibilities(changed, released))
        .singleElement().asString().contains("TYPE_MISMATCH").contains("/fields/3/type");
  }

  @Test
  void shouldDetectRemovedEnumSymbolAsIncompatible() {
    Schema released = releasedV1(RunCommand.class);
    Schema command = released.getField("command").schema();
    Schema fewerSymbols = Schema.createEnum(command.getName(), command.getDoc(), command.getNamespace(),
        List.of("CANCEL", "APPROVE"));
    Schema changed = withFieldType(released, "command", fewerSymbols);

    assertThat(incompatibilities(changed, released))
        .singleElement().asString().contains("MISSING_ENUM_SYMBOLS").contains("REJECT");
  }

  @Test
  void shouldAcceptNewOptionalFieldWithDefaultAsCompatible() {
    Schema released = releasedV1(RunCommand.class);
    Schema optionalString = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    Schema changed = withExtraField(released,
        new Schema.Field("ticket", optionalString, "Change ticket, if any.", Schema.Field.NULL_DEFAULT_VALUE));

    assertThat(incompatibilities(changed, released)).isEmpty();
  }

  /** The gate's only check: can {@code reader} decode every datum written with {@code writer}? */
  private static List<String> incompatibilities(Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    return result.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
        .toList();
  }

  private static Schema releasedV1(Class<?> type) {
    return ReleasedSchemas.production().versionsOf(type.getName()).get(0).schema();
  }

  private static Schema withExtraField(Schema record, Schema.Field extra) {
    List<Schema.Field> fields = copyFields(record);
    fields.add(extra);
    return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }

  private static Schema withFieldType(Schema record, String fieldName, Schema type) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      fields.add(f.name().equals(fieldName) ? new Schema.Field(f.name(), type, f.doc()) : new Schema.Field(f, f.schema()));
    }
    return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }

  private static List<Schema.Field> copyFields(Schema record) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : record.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    return fields;
  }
}
