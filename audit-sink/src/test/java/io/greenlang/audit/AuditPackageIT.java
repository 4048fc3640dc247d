package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.audit.ChainVerification.Problem;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Audit packages of a run: built from the store, written as JSON, verified offline. */
@GreenLangIntegrationTest
class AuditPackageIT {

    private static final String RUN = "5b0c7f3e-8a51-4c2d-9d7e-0f6a2b9c4e11";
    private static final String OTHER_RUN = "7d1e0a4b-0000-4c2d-9d7e-0f6a2b9c4e11";
    private static final String RUN_EVENTS = "gl.run.events";
    private static final String STEP_EVENTS = "gl.step.events";
    private static final String POLICY_DECISIONS = "gl.policy.decisions";

    private static TestInfra infra;
    private static AuditStore store;

    @BeforeAll
    static void storeTheChainsOfTwoRuns(TestInfra testInfra) {
        infra = testInfra;
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        List<AuditRecord> records = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < 4; i++) {
            records.add(TestRecords.of(RunEvent.class, RUN_EVENTS, 3, offset++, RUN));
            records.add(TestRecords.of(RunEvent.class, RUN_EVENTS, 3, offset++, OTHER_RUN));
        }
        for (int i = 0; i < 3; i++) {
            records.add(TestRecords.of(StepEvent.class, STEP_EVENTS, 3, offset++, RUN));
        }
        for (int i = 0; i < 2; i++) {
            records.add(TestRecords.of(PolicyDecision.class, POLICY_DECISIONS, 3, offset++, RUN));
        }
        assertThat(store.append(records).appended()).hasSize(records.size());
    }

    @Test
    void shouldPackageTheThreeChainsOfTheRunWithAllTheirEventsAndValidHashes() {
        AuditPackage auditPackage = AuditPackages.build(infra.dataSource(), infra.schemaName(), RUN);

        assertThat(auditPackage.format()).isEqualTo("greenlang-audit-package/1");
        assertThat(auditPackage.runId()).isEqualTo(RUN);
        assertThat(auditPackage.chainValid()).isTrue();
        assertThat(auditPackage.chains()).extracting(AuditPackage.Chain::chainId).containsExactly(
                POLICY_DECISIONS + "/" + RUN, RUN_EVENTS + "/" + RUN, STEP_EVENTS + "/" + RUN);
        assertThat(auditPackage.chains()).extracting(c -> c.events().size()).containsExactly(2, 4, 3);
        for (AuditPackage.Chain chain : auditPackage.chains()) {
            assertThat(chain.chainValid()).isTrue();
            assertThat(chain.problem()).isNull();
            String prev = "0".repeat(64);
            long seq = 1;
            for (AuditPackage.Event event : chain.events()) {
                assertThat(event.seq()).isEqualTo(seq++);
                assertThat(event.prevHash()).isEqualTo(prev);
                assertThat(event.hash()).isEqualTo(AuditHash.link(prev, event.canonicalJson()));
                assertThat(chain.chainId()).isEqualTo(event.topic() + "/" + RUN);
                prev = event.hash();
            }
            assertThat(chain.headSeq()).isEqualTo(chain.events().size());
            assertThat(chain.headHash()).isEqualTo(prev);
        }
        assertThat(auditPackage.chains().get(0).events().get(0).eventType()).isEqualTo(PolicyDecision.class.getName());
    }

    @Test
    void shouldWriteSnakeCaseJsonThatVerifiesOfflineWithTheStoredCanonicalJson() throws Exception {
        AuditPackage auditPackage = AuditPackages.build(infra.dataSource(), infra.schemaName(), RUN);
        byte[] json = write(auditPackage);

        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text).contains("\"run_id\"", "\"chain_valid\"", "\"head_hash\"", "\"canonical_json\"",
                "\"occurred_at\"", "\"greenlang-audit-package/1\"");
        List<ChainVerification> results = AuditPackages.verify(new ByteArrayInputStream(json));
        assertThat(results).hasSize(3).allMatch(ChainVerification::valid);
        assertThat(results).extracting(ChainVerification::events).containsExactly(2L, 4L, 3L);
        assertThat(AuditPackages.read(new ByteArrayInputStream(json))).isEqualTo(auditPackage);
    }

    @Test
    void shouldReportAFileWithOneChangedCanonicalJsonBrokenAtThatSeq() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(write(AuditPackages.build(infra.dataSource(),
                infra.schemaName(), RUN)));
        ObjectNode event = (ObjectNode) tree.get("chains").get(1).get("events").get(2);
        event.put("canonical_json", event.get("canonical_json").asText().replace("acme-heat", "evil-heat"));

        List<ChainVerification> results = AuditPackages.verify(
                new ByteArrayInputStream(mapper.writeValueAsBytes(tree)));

        assertThat(results).filteredOn(ChainVerification::valid).extracting(ChainVerification::chainId)
                .containsExactly(POLICY_DECISIONS + "/" + RUN, STEP_EVENTS + "/" + RUN);
        assertThat(results.get(1)).satisfies(broken -> {
            assertThat(broken.chainId()).isEqualTo(RUN_EVENTS + "/" + RUN);
            assertThat(broken.problem()).isEqualTo(Problem.HASH_MISMATCH);
            assertThat(broken.firstBadSeq()).isEqualTo(3);
        });
    }

    @Test
    void shouldReportADeclaredHeadThatDisagreesWithTheLastEvent() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(write(AuditPackages.build(infra.dataSource(),
                infra.schemaName(), RUN)));
        ObjectNode chain = (ObjectNode) tree.get("chains").get(2);
        ((ArrayNode) chain.get("events")).remove(2); // drop the tail

        List<ChainVerification> results = AuditPackages.verify(
                new ByteArrayInputStream(mapper.writeValueAsBytes(tree)));

        assertThat(results.get(2).problem()).isEqualTo(Problem.HEAD_MISMATCH);
        assertThat(results.get(2).firstBadSeq()).isEqualTo(3);
    }

    @Test
    void shouldRejectATruncatedGarbageOrWrongFormatFileWithGlEDataSchema() {
        byte[] json = write(AuditPackages.build(infra.dataSource(), infra.schemaName(), RUN));
        byte[] truncated = Arrays.copyOf(json, json.length / 2);
        byte[] garbage = "PK\u0003\u0004 not json at all".getBytes(StandardCharsets.UTF_8);
        byte[] otherFormat = new String(json, StandardCharsets.UTF_8)
                .replace("greenlang-audit-package/1", "greenlang-audit-package/2").getBytes(StandardCharsets.UTF_8);
        byte[] noEvents = "{\"format\":\"greenlang-audit-package/1\",\"run_id\":\"r\",\"generated_at\":null,"
                .concat("\"chain_valid\":true,\"chains\":[{\"chain_id\":\"t/r\",\"chain_valid\":true}]}")
                .getBytes(StandardCharsets.UTF_8);

        for (byte[] bad : List.of(truncated, garbage, otherFormat, noEvents)) {
            assertThatThrownBy(() -> AuditPackages.verify(new ByteArrayInputStream(bad)))
                    .isInstanceOfSatisfying(GreenLangException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_SCHEMA))
                    .hasMessageStartingWith("GL-E-DATA-SCHEMA: Invalid audit package");
        }
    }

    @Test
    void shouldRefuseAnUnknownRunWithGlEDataNotFound() {
        assertThatThrownBy(() -> AuditPackages.build(infra.dataSource(), infra.schemaName(), "no-such-run"))
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DATA_NOT_FOUND))
                .hasMessageContaining("no-such-run");
    }

    private static byte[] write(AuditPackage auditPackage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditPackages.write(auditPackage, out);
        return out.toByteArray();
    }
}
