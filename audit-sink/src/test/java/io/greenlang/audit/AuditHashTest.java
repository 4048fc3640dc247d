package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.greenlang.common.json.Hashing;
import io.greenlang.events.run.RunEvent;
import io.greenlang.schemas.EventSamples;
import org.junit.jupiter.api.Test;

/** The hash rule, and the numbers of the worked example in docs/audit-hash.md. */
class AuditHashTest {

    static final String FIRST_JSON = "{\"event\":\"RunRequested\",\"n\":1}";
    static final String SECOND_JSON = "{\"event\":\"RunStarted\",\"n\":2}";

    @Test
    void shouldHashPrevHashNewlineAndCanonicalJsonAsLowerCaseHex() {
        String first = AuditHash.link(Hashing.ZERO_HASH, FIRST_JSON);
        assertThat(first).isEqualTo(Hashing.sha256Hex(Hashing.ZERO_HASH + "\n" + FIRST_JSON)).matches("[0-9a-f]{64}");
        String second = AuditHash.link(first, SECOND_JSON);
        assertThat(second).isEqualTo(Hashing.sha256Hex(first + "\n" + SECOND_JSON));
    }

    @Test
    void shouldReproduceTheWorkedExampleOfTheDoc() throws IOException {
        String first = AuditHash.link(Hashing.ZERO_HASH, FIRST_JSON);
        String second = AuditHash.link(first, SECOND_JSON);
        String doc = Files.readString(docPath());
        assertThat(doc).contains(FIRST_JSON, SECOND_JSON, first, second);

        RunEvent sample = EventSamples.sample(RunEvent.class);
        String json = AvroJson.canonicalJson(sample);
        assertThat(doc).contains(json, AuditHash.link(Hashing.ZERO_HASH, json));
    }

    @Test
    void shouldShipTheVerificationSqlVerbatimInTheDoc() throws IOException {
        assertThat(Files.readString(docPath())).contains(verifySql().strip());
    }

    static String verifySql() throws IOException {
        try (InputStream in = AuditHashTest.class.getResourceAsStream("verify-chain.sql")) {
            assertThat(in).as("verify-chain.sql on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path docPath() {
        return Path.of("..", "docs", "audit-hash.md");
    }
}
