package io.greenlang.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.events.common.EventMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaDocumentationTest {

  private static final Path SOURCE_DIR = Path.of("src/main/avro");

  @Test
  void shouldDocumentEveryRecordEnumAndFieldOfEverySchema() {
    List<String> undocumented = new ArrayList<>();
    Set<String> visited = new HashSet<>();
    List<Schema> roots = new ArrayList<>();
    roots.add(EventMeta.getClassSchema());
    for (Class<? extends SpecificRecord> type : EventSerdes.EVENT_TYPES) {
      roots.add(SpecificData.get().getSchema(type));
    }

    roots.forEach(root -> collectUndocumented(root, visited, undocumented));

    assertThat(visited).as("named types checked").hasSizeGreaterThanOrEqualTo(26);
    assertThat(undocumented).as("schema elements without a doc").isEmpty();
  }

  @Test
  void shouldDefineExactlyOneNamedTypePerSourceFileNamedAfterIt() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(SOURCE_DIR)) {
      files = list.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    }

    assertThat(files).isNotEmpty().allSatisfy(file -> {
      String json = Files.readString(file);
      String expectedName = file.getFileName().toString().replace(".avsc", "");
      assertThat(json).as(file.toString()).contains("\"name\": \"" + expectedName + "\"");
      assertThat(json.split("\"type\": \"record\"", -1)).as("records in %s", file).hasSizeLessThanOrEqualTo(2);
    });
  }

  private static void collectUndocumented(Schema schema, Set<String> visited, List<String> undocumented) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!visited.add(schema.getFullName())) {
          return;
        }
        requireDoc(schema.getDoc(), "record " + schema.getFullName(), undocumented);
        for (Schema.Field field : schema.getFields()) {
          requireDoc(field.doc(), "field " + schema.getFullName() + "." + field.name(), undocumented);
          collectUndocumented(field.schema(), visited, undocumented);
        }
      }
      case ENUM -> {
        if (visited.add(schema.getFullName())) {
          requireDoc(schema.getDoc(), "enum " + schema.getFullName(), undocumented);
        }
      }
      case ARRAY -> collectUndocumented(schema.getElementType(), visited, undocumented);
      case MAP -> collectUndocumented(schema.getValueType(), visited, undocumented);
      case UNION -> schema.getTypes().forEach(branch -> collectUndocumented(branch, visited, undocumented));
      default -> {
        // primitives carry no doc
      }
    }
  }

  private static void requireDoc(String doc, String what, List<String> undocumented) {
    if (doc == null || doc.isBlank()) {
      undocumented.add(what);
    }
  }
}
