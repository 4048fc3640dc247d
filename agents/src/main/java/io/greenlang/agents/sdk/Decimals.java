package io.greenlang.agents.sdk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decimal numbers as agents read and write them in text (inputs, CSV cells, outputs): {@code .} as the decimal
 * separator, an optional sign and an optional exponent of at most four digits. Nothing else is a number here:
 * no thousands separators, no {@code ,} decimals, no hexadecimal, no {@code NaN} or {@code Infinity}, no Java
 * suffixes such as {@code 1d} (all of which {@link Double#parseDouble} would accept or misread).
 */
public final class Decimals {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,4})?");
    /** Beyond this many digits either side of the point, {@link #format} writes scientific notation. */
    private static final int MAX_PLAIN_SCALE = 20;

    private Decimals() {
    }

    /** The number in {@code text} (surrounding whitespace ignored), or empty when it is not a decimal number. */
    public static Optional<BigDecimal> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        return DECIMAL.matcher(t).matches() ? Optional.of(new BigDecimal(t)) : Optional.empty();
    }

    /**
     * The shortest text of {@code value}: no trailing zeros, no exponent unless the number needs more than 20
     * digits either side of the point ({@code 1.50} is {@code 1.5}, {@code 1e3} is {@code 1000}, {@code -0} is
     * {@code 0}).
     */
    public static String format(BigDecimal value) {
        BigDecimal v = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        return Math.abs(v.scale()) <= MAX_PLAIN_SCALE ? v.toPlainString() : v.toString();
    }

    /** {@code value} rounded half-up to {@code digits} decimals, then {@link #format(BigDecimal) formatted}. */
    public static String format(double value, int digits) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        return format(BigDecimal.valueOf(value).setScale(digits, RoundingMode.HALF_UP));
    }
}
