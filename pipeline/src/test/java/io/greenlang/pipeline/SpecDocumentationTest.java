package io.greenlang.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/pipeline-spec.md} and {@code glip-v1.schema.json} from drifting away from the parser: every
 * YAML and JSON example in the docs validates, every example under {@code pipelines/valid/} appears in the docs,
 * and the schema declares exactly the fields, names and limits the parser accepts.
 */
class SpecDocumentationTest {

    private static final Pattern FENCE = Pattern.compile("```(yaml|json)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("--param (\\w+)=(\\S+)");

    private static String docs;
    private static JsonNode schema;

    @BeforeAll
    static void read() throws IOException {
        docs = Files.readString(Path.of("..", "docs", "pipeline-spec.md"));
        try (InputStream in = PipelineCompiler.class.getResourceAsStream(PipelineCompiler.SCHEMA_RESOURCE)) {
            schema = new ObjectMapper().readTree(in);
        }
    }

    private static List<String> examples() {
        List<String> examples = new ArrayList<>();
        Matcher m = FENCE.matcher(docs);
        while (m.find()) {
            examples.add(m.group(2));
        }
        return examples;
    }

    @Test
    void shouldValidateEveryExampleOfTheDocsWithoutProblems() {
        PipelineCompiler compiler = new PipelineCompiler();
        List<String> examples = examples();

        assertThat(examples).hasSizeGreaterThanOrEqualTo(5);
        for (String example : examples) {
            Map<String, String> parameters = new HashMap<>();
            Matcher p = PARAM.matcher(example);
            while (p.find()) {
                parameters.put(p.group(1), p.group(2));
            }
            assertThat(compiler.validate(example, parameters)).as(example).isEmpty();
        }
    }

    @Test
    void shouldShowEveryValidExampleDocumentInTheDocs() throws Exception {
        Path dir = Path.of(getClass().getResource("/pipelines/valid").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> valid = files.toList();
            assertThat(valid).hasSizeGreaterThanOrEqualTo(4);
            for (Path file : valid) {
                assertThat(docs).as(file.getFileName() + " is shown in docs/pipeline-spec.md")
                        .contains(Files.readString(file));
            }
        }
    }

    @Test
    void shouldDeclareADraft202012SchemaThatMatchesTheDocumentVersion() {
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.at("/properties/apiVersion/const").asText()).isEqualTo(GlipParser.API_VERSION);
        assertThat(schema.at("/properties/kind/const").asText()).isEqualTo(GlipParser.KIND);
    }

    @Test
    void shouldListInTheSchemaExactlyTheFieldsTheParserAccepts() {
        Map<String, Set<String>> expected = Map.of(
                "", GlipParser.TOP_FIELDS,
                "/$defs/metadata", GlipParser.METADATA_FIELDS,
                "/$defs/spec", GlipParser.SPEC_FIELDS,
                "/$defs/parameter", GlipParser.PARAMETER_FIELDS,
                "/$defs/defaults", GlipParser.DEFAULTS_FIELDS,
                "/$defs/step", GlipParser.STEP_FIELDS,
                "/$defs/resources", GlipParser.RESOURCES_FIELDS);
        expected.forEach((pointer, fields) -> {
            JsonNode object = schema.at(pointer);
            Set<String> declared = new LinkedHashSet<>();
            object.path("properties").fieldNames().forEachRemaining(declared::add);
            assertThat(declared).as("properties of " + pointer).containsExactlyInAnyOrderElementsOf(fields);
            assertThat(object.path("additionalProperties").isBoolean()
                    && !object.path("additionalProperties").booleanValue())
                    .as(pointer + " forbids unknown fields, as the parser does").isTrue();
        });
    }

    @Test
    void shouldUseTheParsersNamePatternsAndLimitsInTheSchema() {
        assertThat(schema.at("/$defs/name/pattern").asText()).isEqualTo(anchored(GlipParser.NAME));
        assertThat(schema.at("/$defs/step/properties/agent/pattern").asText()).isEqualTo(anchored(GlipParser.AGENT));
        assertThat(schema.at("/$defs/parameter/properties/name/pattern").asText())
                .isEqualTo(anchored(GlipParser.PARAMETER_NAME));
        assertThat(schema.at("/$defs/step/properties/inputs/propertyNames/pattern").asText())
                .isEqualTo(anchored(GlipParser.INPUT_NAME));
        assertThat(schema.at("/$defs/name/maxLength").asInt()).isEqualTo(GlipParser.MAX_NAME_LENGTH);
        assertThat(schema.at("/$defs/spec/properties/steps/maxItems").asInt()).isEqualTo(GlipParser.MAX_STEPS);
        assertThat(schema.at("/$defs/step/properties/depends_on/maxItems").asInt())
                .isEqualTo(GlipParser.MAX_DEPENDS_ON);
        assertThat(schema.at("/$defs/timeoutSeconds/maximum").asInt()).isEqualTo(GlipParser.MAX_TIMEOUT_SECONDS);
        assertThat(schema.at("/$defs/retries/maximum").asInt()).isEqualTo(GlipParser.MAX_RETRIES);
        assertThat(schema.at("/$defs/parameter/properties/type/enum")).extracting(JsonNode::asText)
                .containsExactly(ParameterType.names().split(", "));
    }

    private static String anchored(Pattern pattern) {
        return "^" + pattern.pattern() + "$";
    }
}
