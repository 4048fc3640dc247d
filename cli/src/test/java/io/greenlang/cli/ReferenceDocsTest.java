package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class ReferenceDocsTest {

    /** The repository's docs/ directory, seen from the cli module (Maven runs tests in the module directory). */
    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void shouldKeepEveryCommittedReferenceDocumentEqualToWhatTheDeclarationsGenerate() throws IOException {
        for (Map.Entry<String, Supplier<String>> doc : ReferenceDocs.all().entrySet()) {
            Path file = DOCS.resolve(doc.getKey());
            assertThat(file).as("docs/%s is missing: run ./gl docs", doc.getKey()).exists();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as("docs/%s is stale: run ./gl docs and commit the result", doc.getKey())
                    .isEqualTo(doc.getValue().get());
        }
    }
}
