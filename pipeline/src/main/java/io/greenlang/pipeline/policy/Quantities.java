package io.greenlang.pipeline.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code "2"}, {@code "500m"}, {@code "8Gi"}, {@code "1.5G"}, {@code "1e3"}) as
 * numbers, so that policy conditions can compare {@code resources.cpu_millis} and {@code resources.memory_bytes}
 * instead of strings. Follows the Kubernetes quantity grammar: a signed decimal number, then either a binary
 * suffix (Ki, Mi, Gi, Ti, Pi, Ei), a decimal suffix (n, u, m, k, M, G, T, P, E) or a decimal exponent
 * ({@code e3}, {@code E-2}). Fractions round up, as Kubernetes does.
 *
 * <p>Pure functions; never throws for a malformed quantity (the result is empty instead), because a policy
 * evaluation must not fail on an input the pipeline validator is responsible for.
 */
final class Quantities {

    private static final Pattern QUANTITY =
            Pattern.compile("^([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?$");

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1024L)),
            Map.entry("Mi", BigDecimal.valueOf(1024L * 1024)),
            Map.entry("Gi", BigDecimal.valueOf(1024L * 1024 * 1024)),
            Map.entry("Ti", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024)),
            Map.entry("Pi", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024)),
            Map.entry("Ei", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024 * 1024)),
            Map.entry("n", new BigDecimal("1e-9")),
            Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")),
            Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")));

    /** Exponents beyond this are not a resource anyone asks for; refusing them keeps BigDecimal cheap. */
    private static final int MAX_EXPONENT = 30;

    private Quantities() {
    }

    /** The quantity's value in its base unit (cores, bytes), or {@code null} when it is not a quantity. */
    static BigDecimal parse(String quantity) {
        if (quantity == null) {
            return null;
        }
        Matcher m = QUANTITY.matcher(quantity.trim());
        if (!m.matches()) {
            return null;
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        if (suffix == null) {
            return number;
        }
        BigDecimal factor = SUFFIXES.get(suffix);
        if (factor != null) {
            return number.multiply(factor);
        }
        int exponent;
        try {
            exponent = Integer.parseInt(suffix.substring(1).replace("+", ""));
        } catch (NumberFormatException e) {
            return null;
        }
        if (Math.abs(exponent) > MAX_EXPONENT) {
            return null;
        }
        return number.scaleByPowerOfTen(exponent);
    }

    /** CPU in millicores ({@code "2"} is 2000, {@code "250m"} is 250), rounded up; empty when not a quantity. */
    static OptionalLong cpuMillis(String quantity) {
        return toLong(parse(quantity), BigDecimal.valueOf(1000));
    }

    /** Memory in bytes ({@code "8Gi"} is 8589934592), rounded up; empty when not a quantity. */
    static OptionalLong memoryBytes(String quantity) {
        return toLong(parse(quantity), BigDecimal.ONE);
    }

    private static OptionalLong toLong(BigDecimal value, BigDecimal scale) {
        if (value == null) {
            return OptionalLong.empty();
        }
        BigDecimal scaled = value.multiply(scale).setScale(0, RoundingMode.CEILING);
        try {
            return OptionalLong.of(scaled.longValueExact());
        } catch (ArithmeticException e) {
            return OptionalLong.empty(); // beyond a long: not a quantity a policy can compare
        }
    }
}
