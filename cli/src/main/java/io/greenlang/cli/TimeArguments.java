package io.greenlang.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Points in time as the CLI accepts them: an ISO-8601 instant ({@code 2026-11-23T08:00:00Z}), a date-time with
 * offset ({@code 2026-11-23T09:00:00+01:00}), a date (midnight UTC), or an age ({@code 30m}, {@code 24h},
 * {@code 7d}: that long before now).
 */
final class TimeArguments {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeArguments() {
    }

    /**
     * Parses a point in time.
     *
     * @param text  the argument
     * @param clock what "now" is, for ages
     * @return the instant
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Instant parse(String text, Clock clock) {
        String value = text.trim();
        Matcher age = AGE.matcher(value.toLowerCase(Locale.ROOT));
        if (age.matches()) {
            long amount = Long.parseLong(age.group(1));
            Duration duration = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return clock.instant().minus(duration);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notOffsetDateTime) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("'" + text + "' is not a time: use an ISO-8601 instant "
                            + "(2026-11-23T08:00:00Z), a date (2026-11-23, midnight UTC) or an age (30m, 24h, 7d)");
                }
            }
        }
    }

    /** picocli converter for {@link Instant} options. */
    static final class Converter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return parse(value, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
