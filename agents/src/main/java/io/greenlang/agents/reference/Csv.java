package io.greenlang.agents.reference;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * Comma-separated values as RFC 4180 writes them (quoted fields with {@code ""} escapes, commas and line breaks
 * inside quotes, CRLF or LF line ends, an optional UTF-8 byte order mark), read record by record so a dataset never
 * has to fit in memory. A defect is {@code GL-E-DATA-SCHEMA} naming the line.
 *
 * <p>Also the column-name rule the reference agents share ({@link #columnName}): names become lower_snake_case.
 */
final class Csv {

    /** A camelCase boundary: after two lower-case letters or a digit, so that kWh or tCO2e stay whole. */
    private static final Pattern CAMEL = Pattern.compile("([a-z]{2}|[0-9])([A-Z])");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final Pattern NEEDS_QUOTES = Pattern.compile("[\",\r\n]|^\\s|\\s$");

    private Csv() {
    }

    /**
     * A record and the line it starts on.
     *
     * @param line   1-based line number in the source
     * @param fields the fields, unquoted, not trimmed
     */
    record Record(int line, List<String> fields) {

        /** Whether every field is blank (such records are dropped as empty rows). */
        boolean isBlank() {
            return fields.stream().allMatch(String::isBlank);
        }
    }

    /**
     * A column name in lower_snake_case: accents dropped and compatibility forms folded ({@code m³} is {@code m3}),
     * camelCase split after two lower-case letters or a digit ({@code fuelType} is {@code fuel_type}, but {@code kWh}
     * stays {@code kwh}), every run of other characters one {@code _}, no {@code _} at either end.
     * {@code " Quantity (kWh)"} is {@code quantity_kwh}.
     */
    static String columnName(String raw) {
        String folded = MARKS.matcher(Normalizer.normalize(raw.strip(), Normalizer.Form.NFKD)).replaceAll("");
        String snake = CAMEL.matcher(folded).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
        String name = NOT_ALNUM.matcher(snake).replaceAll("_");
        int start = 0;
        int end = name.length();
        while (start < end && name.charAt(start) == '_') {
            start++;
        }
        while (end > start && name.charAt(end - 1) == '_') {
            end--;
        }
        return name.substring(start, end);
    }

    /** Reads records from a character stream. Not thread-safe; does not close the stream. */
    static final class Parser {

        private final Reader in;
        private int line = 1;
        private int pushedBack = -2;
        private boolean first = true;

        Parser(Reader in) {
            this.in = Objects.requireNonNull(in, "in");
        }

        /** The next record, or empty at the end of the input. */
        Optional<Record> next() throws IOException {
            int c = read();
            if (first) {
                first = false;
                if (c == '\uFEFF') {
                    c = read();
                }
            }
            if (c == -1) {
                return Optional.empty();
            }
            int startLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            while (true) {
                StringBuilder leading = new StringBuilder();
                while (c == ' ' || c == '\t') {
                    leading.append((char) c);
                    c = read();
                }
                if (c == '"') {
                    c = quoted(field, startLine);
                } else {
                    field.append(leading);
                    while (c != ',' && c != '\n' && c != '\r' && c != -1) {
                        field.append((char) c);
                        c = read();
                    }
                }
                fields.add(field.toString());
                field.setLength(0);
                if (c == ',') {
                    c = read();
                    continue;
                }
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        pushBack(n);
                    }
                    line++;
                } else if (c == '\n') {
                    line++;
                }
                return Optional.of(new Record(startLine, fields));
            }
        }

        /** Reads a quoted field's content after its opening quote; returns the character after the closing one. */
        private int quoted(StringBuilder field, int startLine) throws IOException {
            int quoteLine = line;
            while (true) {
                int c = read();
                if (c == -1) {
                    throw schema("line " + quoteLine + ": a quoted field is not closed (record starting on line "
                            + startLine + ")");
                }
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        field.append('"');
                        continue;
                    }
                    while (n == ' ' || n == '\t') {
                        n = read();
                    }
                    if (n != ',' && n != '\n' && n != '\r' && n != -1) {
                        throw schema("line " + line + ": unexpected '" + (char) n + "' after a closing quote "
                                + "(a quote inside a quoted field is written \"\")");
                    }
                    return n;
                }
                if (c == '\n' || (c == '\r' && peekNot('\n'))) {
                    line++;
                }
                field.append((char) c);
            }
        }

        private boolean peekNot(int expected) throws IOException {
            int n = read();
            pushBack(n);
            return n != expected;
        }

        private int read() throws IOException {
            if (pushedBack != -2) {
                int c = pushedBack;
                pushedBack = -2;
                return c;
            }
            return in.read();
        }

        private void pushBack(int c) {
            pushedBack = c;
        }
    }

    /**
     * The header of a table: normalised column names.
     *
     * @param line    the header's line
     * @param columns column names in {@link #columnName} form, unique
     */
    record Header(int line, List<String> columns) {

        /** Normalises and checks the raw header: every column named, no two alike. */
        static Header of(Record record) {
            List<String> columns = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < record.fields().size(); i++) {
                String raw = record.fields().get(i);
                String name = columnName(raw);
                if (name.isEmpty()) {
                    throw schema("line " + record.line() + ": column " + (i + 1) + " has no name"
                            + (raw.isBlank() ? "" : " ('" + raw.strip() + "' has no letters or digits)"));
                }
                Integer earlier = seen.putIfAbsent(name, i + 1);
                if (earlier != null) {
                    throw schema("line " + record.line() + ": columns " + earlier + " and " + (i + 1) + " are both '"
                            + name + "' once names are normalised to lower_snake_case");
                }
                columns.add(name);
            }
            return new Header(record.line(), List.copyOf(columns));
        }

        /** The position of each required column, or GL-E-DATA-SCHEMA naming those missing. */
        int[] require(List<String> required) {
            int[] positions = new int[required.size()];
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < required.size(); i++) {
                positions[i] = columns.indexOf(required.get(i));
                if (positions[i] < 0) {
                    missing.add(required.get(i));
                }
            }
            if (!missing.isEmpty()) {
                throw schema("the header (line " + line + ") lacks the required column(s) " + missing + "; it has "
                        + columns);
            }
            return positions;
        }

        /** GL-E-DATA-SCHEMA unless {@code record} has one field per column. */
        void check(Record record) {
            if (record.fields().size() != columns.size()) {
                throw schema("line " + record.line() + " has " + record.fields().size() + " field(s), the header has "
                        + columns.size() + " column(s)");
            }
        }
    }

    /** Writes one record, quoting fields that need it, ending with {@code \n}. */
    static void write(Writer out, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            String f = fields.get(i);
            if (NEEDS_QUOTES.matcher(f).find()) {
                out.write('"');
                out.write(f.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(f);
            }
        }
        out.write('\n');
    }

    static GreenLangException schema(String message) {
        return new GreenLangException(ErrorCode.DATA_SCHEMA, message);
    }
}
