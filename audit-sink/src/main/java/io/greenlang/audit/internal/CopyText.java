package io.greenlang.audit.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Rows for {@code COPY ... FROM STDIN} in PostgreSQL's text format (tab between columns, newline after a row),
 * built in memory and handed over as UTF-8 (pgjdbc always sets {@code client_encoding} to UTF8). Every value is
 * written so that the server reads back exactly the Java value: in text, backslash, newline, carriage return and
 * tab are escaped (the only characters the format requires escaping); every other character, control characters
 * and non-ASCII included, is written as itself. Never writes {@code \N} (NULL): the audit store has no nullable
 * column it copies.
 */
public final class CopyText {

    private final StringBuilder text;
    private boolean firstColumn = true;

    /** @param capacity initial capacity in characters */
    public CopyText(int capacity) {
        this.text = new StringBuilder(capacity);
    }

    /**
     * Appends a text column.
     *
     * @param value the value; a NUL character makes the server reject the COPY, as it rejects it in any text value
     * @return this
     */
    public CopyText text(String value) {
        separate();
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(c);
            }
        }
        return this;
    }

    /**
     * Appends an integer column.
     *
     * @param value the value
     * @return this
     */
    public CopyText number(long value) {
        separate();
        text.append(value);
        return this;
    }

    /**
     * Appends a {@code timestamptz} column in UTC, rounded to microseconds (half up, as pgjdbc's
     * {@code setTimestamp} does), with proleptic Gregorian years and {@code BC} for years before 1.
     *
     * @param value the instant
     * @return this
     */
    public CopyText timestamp(Instant value) {
        separate();
        long seconds = value.getEpochSecond();
        int micros = (value.getNano() + 500) / 1000;
        if (micros == 1_000_000) {
            seconds++;
            micros = 0;
        }
        LocalDateTime utc = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int year = utc.getYear();
        pad(year > 0 ? year : 1 - year, 4).append('-');
        pad(utc.getMonthValue(), 2).append('-');
        pad(utc.getDayOfMonth(), 2).append(' ');
        pad(utc.getHour(), 2).append(':');
        pad(utc.getMinute(), 2).append(':');
        pad(utc.getSecond(), 2).append('.');
        pad(micros, 6).append("+00");
        if (year <= 0) {
            text.append(" BC");
        }
        return this;
    }

    /**
     * Ends the current row.
     *
     * @return this
     */
    public CopyText endRow() {
        text.append('\n');
        firstColumn = true;
        return this;
    }

    /** Characters written and not yet taken. */
    public int length() {
        return text.length();
    }

    /**
     * Takes what was written as UTF-8 and starts again empty; take only after {@link #endRow()}, so that a row
     * is never split.
     *
     * @return the bytes to send
     */
    public byte[] take() {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        text.setLength(0);
        return bytes;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private void separate() {
        if (!firstColumn) {
            text.append('\t');
        }
        firstColumn = false;
    }

    private StringBuilder pad(long value, int digits) {
        String s = Long.toString(value);
        for (int i = s.length(); i < digits; i++) {
            text.append('0');
        }
        return text.append(s);
    }
}
