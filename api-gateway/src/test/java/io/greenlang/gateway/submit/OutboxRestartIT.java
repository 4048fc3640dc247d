package io.greenlang.gateway.submit;

import static io.greenlang.gateway.submit.SubmitFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.greenlang.events.run.RunRequested;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The outbox across gateway restarts: a row committed while no engine runs is published once one starts again,
 * and the committed offsets keep a restarted engine from publishing everything again. The outbox table stays
 * empty throughout: what is published is read from the slot's WAL.
 */
@GreenLangIntegrationTest
class OutboxRestartIT {

    private static final int PARTITIONS = 2;

    @Test
    void shouldPublishWhatWasCommittedWhileStoppedAndNotRepublishWhatWasPublished(TestInfra infra) throws Exception {
        String schema = infra.schemaName() + "_gw";
        String slot = infra.schemaName() + "_outbox";
        new GatewayDatabase(infra.dataSource(), schema).migrate();
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        infra.createTopic("gl.run.requests", PARTITIONS);
        infra.createTopic("gl.run.commands", PARTITIONS);
        try (SubmitFixture.Reader<RunRequested> requests = new SubmitFixture.Reader<>(infra, catalog.runRequests(),
                PARTITIONS)) {
            String[] published = new String[3];
            try (RunSubmissions first = submissions(infra, schema, slot, catalog).start();
                    ApiServer server = server(first)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> first.healthCheck().check().isUp());
                SubmitFixture.Client client = new SubmitFixture.Client(server);
                for (int i = 0; i < published.length; i++) {
                    String runId = submit(client);
                    await().atMost(Duration.ofSeconds(5)).pollInSameThread()
                            .until(() -> !requests.forKey(runId).isEmpty());
                    published[i] = runId;
                }
            }

            String whileDown;
            try (RunSubmissions second = submissions(infra, schema, slot, catalog); ApiServer server = server(second)) {
                // committed while no engine runs: stays in the slot's WAL, though its row was deleted again
                whileDown = submit(new SubmitFixture.Client(server));
                assertThat(outboxRows(infra, schema)).as("rows in the outbox table").isZero();
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).pollInSameThread()
                        .until(() -> requests.forKey(whileDown).isEmpty());
                assertThat(second.healthCheck().check().isUp()).isFalse();

                second.start();
                await().atMost(Duration.ofSeconds(30)).pollInSameThread()
                        .until(() -> !requests.forKey(whileDown).isEmpty());
                // give a wrongly re-read slot time to show up before counting
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).pollInSameThread()
                        .until(() -> true);
                assertThat(second.healthCheck().check().isUp()).isTrue();
            }
            List<ConsumerRecord<String, RunRequested>> all = requests.poll();
            assertThat(requests.forKey(whileDown)).hasSize(1);
            assertThat(requests.forKey(published[0])).as("published before the restart").hasSize(1);
            assertThat(requests.forKey(published[1])).as("published before the restart").hasSize(1);
            assertThat(requests.forKey(published[2])).as("the last batch before the restart, at most twice")
                    .hasSizeBetween(1, 2);
            assertThat(all).hasSizeBetween(4, 5);
            assertThat(outboxRows(infra, schema)).as("rows in the outbox table").isZero();
            assertThat(publishedOperations(infra, slot)).as("operations the publication carries")
                    .isEqualTo("insert");
        } finally {
            SubmitFixture.dropSlot(infra.dataSource(), slot);
        }
    }

    private static long outboxRows(TestInfra infra, String schema) throws SQLException {
        try (Connection c = infra.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet row = st.executeQuery("SELECT count(*) FROM " + schema + ".outbox")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String publishedOperations(TestInfra infra, String publication) throws SQLException {
        try (Connection c = infra.dataSource().getConnection();
                PreparedStatement query = c.prepareStatement("SELECT concat_ws(',', CASE WHEN pubinsert THEN"
                        + " 'insert' END, CASE WHEN pubupdate THEN 'update' END, CASE WHEN pubdelete THEN 'delete' END,"
                        + " CASE WHEN pubtruncate THEN 'truncate' END) FROM pg_publication WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static RunSubmissions submissions(TestInfra infra, String schema, String slot, TopicCatalog catalog) {
        return RunSubmissions.builder(SubmitFixture.settings(infra, schema, slot), infra.dataSource(),
                Map.of("bootstrap.servers", infra.bootstrapServers())).catalog(catalog).build();
    }

    private static ApiServer server(RunSubmissions submissions) {
        return ApiServer.builder().authenticator(SubmitFixture.authenticator())
                .routes(submissions.routes(), RunSubmissions.COMPONENTS).build().start(0);
    }

    private static String submit(SubmitFixture.Client client) {
        HttpResponse<String> response = client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response).get("run_id").asText();
    }
}
