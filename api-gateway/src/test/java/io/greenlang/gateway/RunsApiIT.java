package io.greenlang.gateway;

import static io.greenlang.gateway.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.audit.AuditStore;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The read side of the gateway over a real audit store: run pages, one run, its events and its audit package. */
@GreenLangIntegrationTest
class RunsApiIT {

    private static ApiServer server;
    private static GatewayClient client;
    private static AuditFixture audit;

    @BeforeAll
    static void start(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        audit = new AuditFixture(infra, store);
        server = GatewayClient.startServer(infra, store);
        client = new GatewayClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldPageThroughRunsWithTheCursorUntilNextCursorIsNull() {
        for (String runId : List.of("page-1", "page-2", "page-3", "page-4", "page-5")) {
            audit.runIn(runId, "tenant-page", "SUCCEEDED");
        }
        audit.runIn("page-other", "tenant-other", "SUCCEEDED");

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> response = client.get("/api/v1/runs?tenant=tenant-page&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode page = json(response);
            pageSizes.add(page.get("items").size());
            page.get("items").forEach(item -> seen.add(item.get("run_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);

        assertThat(seen).containsExactly("page-1", "page-2", "page-3", "page-4", "page-5");
        assertThat(pageSizes).containsExactly(2, 2, 1);
    }

    @Test
    void shouldFilterRunsByStatusGivenInAnyCaseAndByTenant() {
        audit.runIn("filter-running", "tenant-filter", "RUNNING");
        audit.runIn("filter-done", "tenant-filter", "SUCCEEDED");

        JsonNode page = json(client.get("/api/v1/runs?status=running&tenant=tenant-filter"));

        assertThat(page.get("items")).singleElement().satisfies(item -> {
            assertThat(item.get("run_id").asText()).isEqualTo("filter-running");
            assertThat(item.get("status").asText()).isEqualTo("RUNNING");
            assertThat(item.get("tenant_id").asText()).isEqualTo("tenant-filter");
        });
        assertThat(page.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void shouldAnswerARunWithItsProjectionAndSteps() {
        audit.succeededRun("run-detail", "acme-heat");

        HttpResponse<String> response = client.get("/api/v1/runs/run-detail");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode run = json(response);
        assertThat(run.get("run_id").asText()).isEqualTo("run-detail");
        assertThat(run.get("tenant_id").asText()).isEqualTo("acme-heat");
        assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("events").asLong()).isEqualTo(5);
        assertThat(run.get("created_at").asText()).isEqualTo("2026-03-02T08:00:00Z");
        assertThat(run.get("finished_at").asText()).isEqualTo("2026-03-02T08:00:04Z");
        assertThat(run.get("steps")).singleElement().satisfies(step -> {
            assertThat(step.get("step").asText()).isEqualTo("extract");
            assertThat(step.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(step.get("attempt").asInt()).isEqualTo(1);
        });
        assertThat(run.get("links").get("audit_package").asText()).isEqualTo("/api/v1/runs/run-detail/audit-package");
    }

    @Test
    void shouldAnswerTheRunsEventsInChainOrderWithHashesCoordinatesAndEventJson() {
        audit.succeededRun("run-events", "acme-heat");

        HttpResponse<String> response = client.get("/api/v1/runs/run-events/events");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode events = json(response);
        assertThat(events.isArray()).isTrue();
        assertThat(events).hasSize(5);
        String previousHash = "0".repeat(64);
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            assertThat(event.get("chain_id").asText()).isEqualTo(AuditFixture.TOPIC + "/run-events");
            assertThat(event.get("seq").asLong()).isEqualTo(i + 1);
            assertThat(event.get("prev_hash").asText()).isEqualTo(previousHash);
            assertThat(event.get("hash").asText()).hasSize(64);
            assertThat(event.get("topic").asText()).isEqualTo(AuditFixture.TOPIC);
            assertThat(event.get("partition").asInt()).isZero();
            assertThat(event.has("offset")).isTrue();
            assertThat(event.get("event_type").asText()).isEqualTo("io.greenlang.events.run.RunEvent");
            assertThat(event.get("event").get("run_id").asText()).isEqualTo("run-events");
            previousHash = event.get("hash").asText();
        }
        assertThat(events.get(4).get("event").get("to_status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldExportTheAuditPackageOfAnIntactRunWithChainValidTrue() {
        audit.succeededRun("run-intact", "acme-heat");

        HttpResponse<String> response = client.get("/api/v1/runs/run-intact/audit-package");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode auditPackage = json(response);
        assertThat(auditPackage.get("chain_valid").asBoolean()).isTrue();
        assertThat(auditPackage.get("format").asText()).isEqualTo("greenlang-audit-package/1");
        assertThat(auditPackage.get("run_id").asText()).isEqualTo("run-intact");
        assertThat(auditPackage.get("chains")).singleElement().satisfies(chain -> {
            assertThat(chain.get("chain_valid").asBoolean()).isTrue();
            assertThat(chain.get("events")).hasSize(5);
            assertThat(chain.get("head_seq").asLong()).isEqualTo(5);
        });
    }

    @Test
    void shouldExportTheAuditPackageOfATamperedRunWithChainValidFalseAndTheBrokenSeq() throws SQLException {
        audit.succeededRun("run-tampered", "acme-heat");
        audit.tamper("run-tampered", 4);

        HttpResponse<String> response = client.get("/api/v1/runs/run-tampered/audit-package");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode auditPackage = json(response);
        assertThat(auditPackage.get("chain_valid").asBoolean()).isFalse();
        assertThat(auditPackage.get("chains")).singleElement().satisfies(chain -> {
            assertThat(chain.get("chain_valid").asBoolean()).isFalse();
            assertThat(chain.get("problem").asText()).isEqualTo("HASH_MISMATCH");
            assertThat(chain.get("first_bad_seq").asLong()).isEqualTo(4);
        });
    }

    @Test
    void shouldRefuseAnotherTenantsRunWithTheSameAnswerAsAnUnknownRun() {
        audit.succeededRun("run-foreign", "tenant-foreign");
        GatewayClient viewer = new GatewayClient(server, "test-viewer-tenant-own");

        for (String suffix : List.of("", "/events", "/audit-package")) {
            HttpResponse<String> foreign = viewer.get("/api/v1/runs/run-foreign" + suffix);
            HttpResponse<String> unknown = viewer.get("/api/v1/runs/run-nowhere" + suffix);

            assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(403);
            assertThat(json(foreign).get("code").asText()).isEqualTo("GL-E-TENANT-ISOLATION");
            assertThat(foreign.headers().firstValue("Content-Type"))
                    .isEqualTo(unknown.headers().firstValue("Content-Type"));
            assertThat(withoutIdentity(foreign, "run-foreign")).isEqualTo(withoutIdentity(unknown, "run-nowhere"));
        }
        assertThat(json(viewer.get("/api/v1/runs/run-foreign")).get("detail").asText())
                .isEqualTo("Run run-foreign is not visible to tenant tenant-own");
    }

    @Test
    void shouldAnswerARunOfTheCallersOwnTenantAndNotFoundToACallerOfEveryTenant() {
        audit.succeededRun("run-own", "tenant-own");

        HttpResponse<String> own = new GatewayClient(server, "test-viewer-tenant-own").get("/api/v1/runs/run-own");
        HttpResponse<String> unknown = client.get("/api/v1/runs/run-nowhere");

        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json(unknown).get("code").asText()).isEqualTo("GL-E-DATA-NOT-FOUND");
    }

    @Test
    void shouldListOnlyTheCallersTenantAndRefuseAFilterOnAnotherTenant() {
        audit.runIn("list-mine", "tenant-list", "RUNNING");
        audit.runIn("list-theirs", "tenant-list-other", "RUNNING");
        GatewayClient viewer = new GatewayClient(server, "test-viewer-tenant-list");

        JsonNode page = json(viewer.get("/api/v1/runs?limit=200"));
        HttpResponse<String> ownFilter = viewer.get("/api/v1/runs?tenant=tenant-list");
        HttpResponse<String> otherFilter = viewer.get("/api/v1/runs?tenant=tenant-list-other");

        assertThat(page.get("items")).isNotEmpty()
                .allSatisfy(item -> assertThat(item.get("tenant_id").asText()).isEqualTo("tenant-list"));
        assertThat(ownFilter.statusCode()).isEqualTo(200);
        assertThat(otherFilter.statusCode()).as(otherFilter.body()).isEqualTo(403);
        assertThat(json(otherFilter).get("code").asText()).isEqualTo("GL-E-TENANT-ISOLATION");
    }

    /** A problem body without {@code instance}, its run id replaced by a placeholder. */
    private static JsonNode withoutIdentity(HttpResponse<String> response, String runId) {
        ObjectNode body = (ObjectNode) GatewayClient.json(response);
        body.remove("instance");
        try {
            return GatewayClient.MAPPER.readTree(body.toString().replace(runId, "<id>"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
