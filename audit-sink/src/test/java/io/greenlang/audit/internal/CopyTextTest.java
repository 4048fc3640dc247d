package io.greenlang.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CopyTextTest {

    @Test
    void shouldEscapeBackslashTabNewlineAndCarriageReturnAndNothingElse() {
        String written = new CopyText(16).text("a\\b\tc\nd\re\"f'g,h\\.").toString();

        assertThat(written).isEqualTo("a\\\\b\\tc\\nd\\re\"f'g,h\\\\.");
    }

    @Test
    void shouldWriteBackslashNAsTextNotAsNull() {
        assertThat(new CopyText(4).text("\\N").toString()).isEqualTo("\\\\N");
        assertThat(decodeRows(new CopyText(4).text("\\N").text("").endRow().take()))
                .containsExactly(List.of("\\N", ""));
    }

    @Test
    void shouldWriteNonAsciiAndOtherControlCharactersAsTheirUtf8() {
        String value = "é€😀 e\u0301 \u0000\u0001\b\f\u000b\u007f \u2028";
        byte[] bytes = new CopyText(16).text(value).take();

        assertThat(bytes).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldSeparateColumnsByTabAndEndRowsByNewline() {
        CopyText rows = new CopyText(16);
        rows.text("a").number(-5).text("").endRow().number(Long.MAX_VALUE).text("b").endRow();

        assertThat(rows.toString()).isEqualTo("a\t-5\t\n" + Long.MAX_VALUE + "\tb\n");
    }

    @Test
    void shouldStartEmptyAfterTake() {
        CopyText rows = new CopyText(16);
        byte[] first = rows.text("x").endRow().take();
        byte[] second = rows.text("y").endRow().take();

        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("x\n");
        assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo("y\n");
        assertThat(rows.length()).isZero();
    }

    @Test
    void shouldReadBackEveryStringExactlyUnderPostgresTextFormatRules() {
        Random random = new Random(1);
        char[] alphabet = {'\\', '\t', '\n', '\r', 'N', '.', 'x', '"', '{', '}', '\u0001', '\b', '\f', '\u000b', 'é',
                '€', '\u2028', '\uD83D', '\uDE00'};
        List<List<String>> expected = new ArrayList<>();
        CopyText rows = new CopyText(1024);
        for (int row = 0; row < 500; row++) {
            List<String> columns = new ArrayList<>();
            for (int column = 0; column < 3; column++) {
                StringBuilder value = new StringBuilder();
                for (int i = random.nextInt(12); i > 0; i--) {
                    char c = alphabet[random.nextInt(alphabet.length - 2)];
                    value.append(c);
                    if (random.nextInt(8) == 0) {
                        value.append("\uD83D\uDE00"); // a whole surrogate pair, never half of one
                    }
                }
                columns.add(value.toString());
                rows.text(value.toString());
            }
            rows.endRow();
            expected.add(columns);
        }

        assertThat(decodeRows(rows.take())).isEqualTo(expected);
    }

    @Test
    void shouldWriteTimestampsInUtcWithMicrosecondsRoundedHalfUp() {
        assertThat(timestamp("2026-11-22T10:15:30.123456789Z")).isEqualTo("2026-11-22 10:15:30.123457+00");
        assertThat(timestamp("2026-11-22T10:15:30.123456499Z")).isEqualTo("2026-11-22 10:15:30.123456+00");
        assertThat(timestamp("2026-11-22T10:15:30Z")).isEqualTo("2026-11-22 10:15:30.000000+00");
        assertThat(timestamp("1999-12-31T23:59:59.9999995Z")).isEqualTo("2000-01-01 00:00:00.000000+00");
        assertThat(timestamp("0042-03-04T05:06:07.001Z")).isEqualTo("0042-03-04 05:06:07.001000+00");
    }

    @Test
    void shouldWriteYearsOutsideOneToNineThousandNineHundredNinetyNineAsPostgresReadsThem() {
        assertThat(timestamp("+10000-01-01T00:00:00Z")).isEqualTo("10000-01-01 00:00:00.000000+00");
        assertThat(timestamp("0000-06-15T12:00:00Z")).isEqualTo("0001-06-15 12:00:00.000000+00 BC");
        assertThat(timestamp("-0001-06-15T12:00:00Z")).isEqualTo("0002-06-15 12:00:00.000000+00 BC");
    }

    private static String timestamp(String instant) {
        return new CopyText(32).timestamp(Instant.parse(instant)).toString();
    }

    /**
     * A reader of COPY text format as the PostgreSQL documentation defines it (backslash sequences \b \f \n \r \t
     * \v, octal and hex escapes, any other backslashed character as itself; tab between columns, newline ends a
     * row).
     */
    private static List<List<String>> decodeRows(byte[] bytes) {
        List<List<String>> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        ByteArrayOutputStream column = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\t' || b == '\n') {
                columns.add(column.toString(StandardCharsets.UTF_8));
                column.reset();
                if (b == '\n') {
                    rows.add(columns);
                    columns = new ArrayList<>();
                }
            } else if (b == '\r') {
                throw new AssertionError("an unescaped carriage return ends a row in COPY text format");
            } else if (b == '\\') {
                byte next = bytes[++i];
                switch (next) {
                    case 'b' -> column.write('\b');
                    case 'f' -> column.write('\f');
                    case 'n' -> column.write('\n');
                    case 'r' -> column.write('\r');
                    case 't' -> column.write('\t');
                    case 'v' -> column.write(0x0b);
                    case 'N' -> throw new AssertionError("\\N would be read as NULL");
                    case '.' -> throw new AssertionError("\\. would end the data");
                    default -> {
                        if (next >= '0' && next <= '7' || next == 'x') {
                            throw new AssertionError("numeric escapes are never written");
                        }
                        column.write(next);
                    }
                }
            } else {
                column.write(b);
            }
        }
        assertThat(column.size()).as("bytes after the last row").isZero();
        assertThat(columns).as("columns after the last row").isEmpty();
        return rows;
    }
}
