package io.greenlang.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.topics.TopicCatalog;

/**
 * The reference documents under {@code docs/}, each generated from the declarations it describes (config
 * keys, error codes, metrics, topics), so that the documentation cannot drift from the code. A test fails
 * when a committed document differs from what would be generated now.
 */
final class ReferenceDocs {

    private ReferenceDocs() {
    }

    /** File name under docs/ -> its generated content. */
    static Map<String, Supplier<String>> all() {
        Map<String, Supplier<String>> docs = new LinkedHashMap<>();
        docs.put("config.md", GlConfig::toMarkdown);
        docs.put("errors.md", ErrorCode::toMarkdown);
        docs.put("metrics.md", GlMetrics::toMarkdown);
        docs.put("topics.md", () -> TopicCatalog.standard().toMarkdown());
        return docs;
    }
}
