package io.greenlang.scada.tagmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.error.ErrorCode;

class TagMapTest {

    private static final String VALID = """
            plant_id: plant-1
            endpoint: opc.tcp://scada.plant-1:4840/greenlang
            security: {policy: Basic256Sha256, mode: SignAndEncrypt}
            subscription: {publishing_interval_ms: 100, queue_size: 5}
            tags:
              - node_id: "ns=2;s=plant-1/B1.STEAM.FLOW_TPH"
                asset_id: plant-1/B1
                tag: B1.STEAM.FLOW_TPH
                unit: t/h
                sampling_interval_ms: 50
                deadband: 0.5
              - node_id: "ns=2;s=plant-1/PLANT.HEAT.DEMAND_MW"
                asset_id: plant-1
                tag: PLANT.HEAT.DEMAND_MW
                unit: MW
                sampling_interval_ms: 100
            """;

    @Test
    void shouldLoadEveryFieldWhenTheMapIsValid() {
        TagMap map = TagMap.load(VALID);

        assertThat(map.plantId()).isEqualTo("plant-1");
        assertThat(map.endpoint()).isEqualTo("opc.tcp://scada.plant-1:4840/greenlang");
        assertThat(map.securityPolicy()).isEqualTo(TagMap.SecurityPolicy.BASIC256SHA256);
        assertThat(map.securityMode()).isEqualTo(TagMap.SecurityMode.SIGN_AND_ENCRYPT);
        assertThat(map.publishingIntervalMs()).isEqualTo(100);
        assertThat(map.queueSize()).isEqualTo(5);
        assertThat(map.tags()).containsExactly(
                new TagSpec("ns=2;s=plant-1/B1.STEAM.FLOW_TPH", "plant-1/B1", "B1.STEAM.FLOW_TPH", "t/h", 50, 0.5),
                new TagSpec("ns=2;s=plant-1/PLANT.HEAT.DEMAND_MW", "plant-1", "PLANT.HEAT.DEMAND_MW", "MW", 100, 0));
    }

    @Test
    void shouldReadBackTheSameMapWhenWrittenToAFile(@TempDir Path dir) {
        TagMap map = TagMap.load(VALID);
        Path file = dir.resolve("plant-1.yaml");
        map.write(file);

        assertThat(TagMap.load(file)).isEqualTo(map);
    }

    @Test
    void shouldReportEveryProblemWithItsPathWhenTheMapBreaksTheRules() {
        String yaml = """
                plant_id: ""
                endpoint: http://scada:80
                security: {policy: None, mode: SignAndEncrypt}
                subscription: {publishing_interval_ms: 0, queue_size: "ten", colour: red}
                tags:
                  - node_id: "not a node id"
                    asset_id: plant-1/B1
                    tag: B1.X
                    unit: bar
                    sampling_interval_ms: -1
                    deadband: -0.1
                  - node_id: "ns=2;s=a"
                    tag: B1.X
                    unit: bar
                    sampling_interval_ms: 100
                    extra: 1
                  - just a string
                """;

        TagMapException e = catchThrowableOfType(TagMapException.class, () -> TagMap.load(yaml));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.YAML_SCHEMA);
        assertThat(e.problems()).extracting(TagMapProblem::path).containsExactlyInAnyOrder(
                "/plant_id",
                "/endpoint",
                "/security/mode",
                "/subscription/colour",
                "/subscription/publishing_interval_ms",
                "/subscription/queue_size",
                "/tags/0/node_id",
                "/tags/0/sampling_interval_ms",
                "/tags/0/deadband",
                "/tags/1/extra",
                "/tags/1/asset_id",
                "/tags/1/tag",
                "/tags/2");
        assertThat(e.getMessage()).contains("GL-E-YAML-SCHEMA").contains("/tags/0/sampling_interval_ms: must be > 0")
                .contains("/tags/1/tag: duplicate tag name 'B1.X'")
                .contains("/security/mode: mode SignAndEncrypt does not go with policy None");
    }

    @Test
    void shouldReportMissingSectionsWhenTheyAreAbsent() {
        TagMapException e = catchThrowableOfType(TagMapException.class, () -> TagMap.load("plant_id: p\n"));

        assertThat(e.problems()).extracting(TagMapProblem::path)
                .containsExactlyInAnyOrder("/endpoint", "/security", "/tags");
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).startsWith("required"));
    }

    @Test
    void shouldRefuseWithYamlInvalidWhenTheTextDoesNotParse() {
        assertThatThrownBy(() -> TagMap.load("plant_id: [unclosed\n  endpoint: x"))
                .isInstanceOfSatisfying(TagMapException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.YAML_INVALID);
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).path()).startsWith("line ");
                });
    }

    @Test
    void shouldRefuseAMapThatIsNotAMapping() {
        TagMapException e = catchThrowableOfType(TagMapException.class, () -> TagMap.load("- a\n- b\n"));

        assertThat(e.problems()).isEqualTo(List.of(new TagMapProblem("/",
                "must be a mapping with plant_id, endpoint, security and tags")));
    }

    private static final String WRITABLE = """
            plant_id: plant-1
            endpoint: opc.tcp://scada.plant-1:4840/greenlang
            security: {policy: None, mode: None}
            write_back: {enabled: true}
            tags:
              - node_id: "ns=2;s=plant-1/B1.SETPOINT.LOAD_MW"
                asset_id: plant-1/B1
                tag: B1.SETPOINT.LOAD_MW
                unit: MW
                sampling_interval_ms: 100
                dispatch_asset_id: B1
                writable: true
                min: 2.5
                max: 25
                max_rate_per_minute: 5
              - node_id: "ns=2;s=plant-1/B2.SETPOINT.LOAD_MW"
                asset_id: plant-1/B2
                tag: B2.SETPOINT.LOAD_MW
                unit: MW
                sampling_interval_ms: 100
                dispatch_asset_id: B2
            """;

    @Test
    void shouldLeaveWriteBackOffAndEveryTagReadOnlyWhenTheMapSaysNothingAboutWrites() {
        TagMap map = TagMap.load(VALID);

        assertThat(map.writeBackEnabled()).isFalse();
        assertThat(map.tags()).noneMatch(TagSpec::writable).allMatch(t -> t.dispatchAssetId() == null);
        assertThat(map.toYaml()).contains("write_back:").contains("enabled: false").doesNotContain("writable");
    }

    @Test
    void shouldMapDispatchAssetsToTheirSetpointTagsWithLimitsWhenTagsAreWritable() {
        TagMap map = TagMap.load(WRITABLE);

        assertThat(map.writeBackEnabled()).isTrue();
        assertThat(map.setpointTag("B1")).hasValueSatisfying(t -> {
            assertThat(t.tag()).isEqualTo("B1.SETPOINT.LOAD_MW");
            assertThat(t.writable()).isTrue();
            assertThat(t.limits()).isEqualTo(new TagSpec.WriteLimits(2.5, 25, 5));
        });
        assertThat(map.setpointTag("B2")).hasValueSatisfying(t -> {
            assertThat(t.writable()).as("mapped but not writable").isFalse();
            assertThat(t.limits()).isNull();
        });
        assertThat(map.setpointTag("B3")).isEmpty();
        assertThat(TagMap.load(map.toYaml())).isEqualTo(map);
    }

    @Test
    void shouldReportEveryWriteBackProblemWithItsPath() {
        String yaml = """
                plant_id: plant-1
                endpoint: opc.tcp://scada.plant-1:4840
                security: {policy: None, mode: None}
                write_back: {enabled: "yes", when: always}
                tags:
                  - {node_id: "ns=2;s=a", asset_id: a, tag: A, unit: MW, sampling_interval_ms: 100, writable: true}
                  - {node_id: "ns=2;s=b", asset_id: b, tag: B, unit: MW, sampling_interval_ms: 100,
                     dispatch_asset_id: B1, writable: true, min: 30, max: 20, max_rate_per_minute: 0}
                  - {node_id: "ns=2;s=c", asset_id: c, tag: C, unit: MW, sampling_interval_ms: 100,
                     dispatch_asset_id: B1, min: 0}
                  - {node_id: "ns=2;s=d", asset_id: d, tag: D, unit: MW, sampling_interval_ms: 100,
                     writable: 1, dispatch_asset_id: B4, min: 0, max: "ten", max_rate_per_minute: 1}
                """;

        TagMapException e = catchThrowableOfType(TagMapException.class, () -> TagMap.load(yaml));

        assertThat(e.errorCode()).isEqualTo(ErrorCode.YAML_SCHEMA);
        assertThat(e.problems()).extracting(TagMapProblem::path).containsExactlyInAnyOrder(
                "/write_back/when",
                "/write_back/enabled",
                "/tags/0/dispatch_asset_id",
                "/tags/0/min",
                "/tags/0/max",
                "/tags/0/max_rate_per_minute",
                "/tags/1/max_rate_per_minute",
                "/tags/2/max",
                "/tags/2/max_rate_per_minute",
                "/tags/2/dispatch_asset_id",
                "/tags/3/writable",
                "/tags/3/max");
        assertThat(e.getMessage())
                .contains("/tags/0/min: required when writable")
                .contains("/tags/1/max_rate_per_minute: must be > 0, got 0")
                .contains("/tags/2/max: required with the other write limits")
                .contains("/tags/2/dispatch_asset_id: dispatch asset 'B1' is already carried by another tag")
                .contains("/write_back/enabled: must be true or false");
    }

    @Test
    void shouldRefuseMinAboveMaxAndWriteBackWithoutAWritableTag() {
        String minAboveMax = WRITABLE.replace("min: 2.5", "min: 30");
        String nothingWritable = WRITABLE.replace("    writable: true\n", "");

        assertThat(catchThrowableOfType(TagMapException.class, () -> TagMap.load(minAboveMax)).problems())
                .containsExactly(new TagMapProblem("/tags/0/min", "must be <= max, got min 30 > max 25"));
        assertThat(catchThrowableOfType(TagMapException.class, () -> TagMap.load(nothingWritable)).problems())
                .containsExactly(new TagMapProblem("/write_back/enabled",
                        "write-back is enabled but no tag is writable"));
    }
}
