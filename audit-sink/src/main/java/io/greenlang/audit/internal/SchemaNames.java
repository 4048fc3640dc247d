package io.greenlang.audit.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rule for audit store schema names, for code that writes its own SQL against a store: the name is spliced
 * into statements (a schema cannot be a bind parameter), so it must never be used unchecked. Same rule as
 * {@link io.greenlang.audit.AuditStore}.
 */
public final class SchemaNames {

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SchemaNames() {
    }

    /**
     * @param schema a schema name
     * @return the name, if it is lower-case letters, digits and underscores (at most 63, not starting with a digit)
     * @throws IllegalArgumentException otherwise
     */
    public static String require(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must match " + SCHEMA_NAME + ", was: '" + schema + "'");
        }
        return schema;
    }
}
