package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.common.json.CanonicalJson;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.schemas.EventSamples;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    @Test
    void shouldMapEverySampleEventToCanonicalJsonDeterministically() {
        List<SpecificRecord> first = EventSamples.all();
        List<SpecificRecord> second = EventSamples.all();
        assertThat(first).hasSize(19);
        for (int i = 0; i < first.size(); i++) {
            String canonical = AvroJson.canonicalJson(first.get(i));
            assertThat(AvroJson.canonicalJson(second.get(i)))
                    .as(first.get(i).getSchema().getFullName()).isEqualTo(canonical);
            assertThat(CanonicalJson.canonicalize(canonical)).isEqualTo(canonical);
            assertThat(AvroJson.toJson(first.get(i)).size()).isEqualTo(first.get(i).getSchema().getFields().size());
        }
    }

    @Test
    void shouldWriteTimestampMillisAsIsoUtcWithMillisecondsAndUnionsWithoutWrapper() {
        SpecificRecord event = EventSamples.all().get(0);
        JsonNode meta = AvroJson.toJson(event).get("meta");
        assertThat(meta.get("occurred_at").textValue()).isEqualTo("2026-03-02T08:15:30.123Z");
        assertThat(meta.get("trace_id").textValue()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(meta.get("producer").isObject()).isTrue();
    }

    @Test
    void shouldWriteBytesAsPaddedStandardBase64() {
        DeadLetter deadLetter = EventSamples.sample(DeadLetter.class);
        JsonNode json = AvroJson.toJson(deadLetter);
        assertThat(json.get("original_value").textValue()).isEqualTo(
                Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x01, 0x7f, 0x00, 0x13}));
        assertThat(json.get("original_value").textValue()).isEqualTo("wwF/ABM=");
        // Reading the buffer for the mapping must not consume it.
        assertThat(deadLetter.getOriginalValue().remaining()).isEqualTo(5);
    }

    @Test
    void shouldMapEnumsMapsArraysNumbersAndNonFiniteDoubles() {
        Schema colour = SchemaBuilder.enumeration("Colour").symbols("RED", "GREEN");
        Schema schema = SchemaBuilder.record("Probe").namespace("test").fields()
                .name("colour").type(colour).noDefault()
                .name("readings").type().map().values().doubleType().noDefault()
                .name("names").type().array().items().stringType().noDefault()
                .name("count").type().longType().noDefault()
                .name("ratio").type().floatType().noDefault()
                .name("at").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
                .name("maybe").type().optional().intType()
                .name("blob").type().fixed("Blob").size(2).noDefault()
                .endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("colour", new GenericData.EnumSymbol(colour, "GREEN"));
        record.put("readings", Map.of("nan", Double.NaN, "up", Double.POSITIVE_INFINITY,
                "down", Double.NEGATIVE_INFINITY, "ok", 4.50));
        record.put("names", List.of("a", "b"));
        record.put("count", 9_007_199_254_740_992L);
        record.put("ratio", 0.5f);
        record.put("at", 1_795_341_600_000L);
        record.put("maybe", null);
        record.put("blob", new GenericData.Fixed(schema.getField("blob").schema(), new byte[] {1, 2}));

        assertThat(CanonicalJson.canonicalize(AvroJson.toJson(record))).isEqualTo(
                "{\"at\":\"2026-11-22T10:00:00.000Z\",\"blob\":\"AQI=\",\"colour\":\"GREEN\",\"count\":9007199254740992,"
                        + "\"maybe\":null,\"names\":[\"a\",\"b\"],\"ratio\":0.5,"
                        + "\"readings\":{\"down\":\"-Infinity\",\"nan\":\"NaN\",\"ok\":4.5,\"up\":\"Infinity\"}}");
    }

    @Test
    void shouldRejectLogicalTypesWithoutADocumentedMapping() {
        Schema schema = SchemaBuilder.record("Probe").fields()
                .name("day").type(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT))).noDefault()
                .endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("day", 20_000);
        assertThatThrownBy(() -> AvroJson.toJson(record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Probe.day").hasMessageContaining("date");
    }

    @Test
    void shouldRejectAValueThatDoesNotFitItsSchema() {
        Schema schema = SchemaBuilder.record("Probe").fields().requiredString("name").endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("name", ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> AvroJson.toJson(record)).hasMessageContaining("Probe.name: expected STRING");
    }
}
