package io.greenlang.common.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * ECMAScript {@code Number.prototype.toString()} for finite doubles (ECMA-262 Number::toString), as RFC 8785
 * §3.2.2.3 requires.
 *
 * <p>The digits are the shortest decimal that reads back as the same double, and of those the closest to the
 * double's exact value (ties to the even digit), as V8 and the RFC's reference implementations produce. They
 * are found with exact {@link BigDecimal} arithmetic rather than taken from {@link Double#toString(double)},
 * which on Java 17 sometimes returns a digit too many or not the closest digits (JDK-4511638, fixed in Java
 * 19). At a precision p the two p-digit decimals bracketing the exact value are the only p-digit candidates
 * that can read back as the double; the answer is at the smallest p where one of them does.
 *
 * <p>Must never be used for NaN or infinities (callers reject them first).
 */
final class EcmaNumbers {

    /** 2^53: below it every integer is a double and its shortest form is its plain digits. */
    private static final double SAFE_INTEGER_LIMIT = 9007199254740992.0;

    private EcmaNumbers() {
    }

    static String toString(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        if (value == 0) {
            return "0"; // also -0
        }
        if (value < 0) {
            return "-" + toString(-value);
        }
        if (value <= SAFE_INTEGER_LIMIT && value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        BigDecimal shortest = shortestDigits(value);
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = digits * 10^(n - k)
        return format(digits, k, n);
    }

    /**
     * The shortest, closest decimal that rounds to {@code value} (positive, finite), trailing zeros stripped.
     *
     * <p>Whether some p-digit decimal reads back as {@code value} is monotone in p (the (p+1)-digit rounding of
     * the exact value in the same direction lies between the p-digit one and the exact value, so inside the
     * rounding interval too). {@link Double#toString(double)} gives a length that works, so the search only
     * walks down from it, which keeps the usual cost to two or three precisions.
     */
    static BigDecimal shortestDigits(double value) {
        BigDecimal exact = new BigDecimal(value);
        int precision = new BigDecimal(Double.toString(value)).stripTrailingZeros().precision();
        BigDecimal best = closestAt(exact, precision, value);
        if (best == null) {
            // Not expected (Double.toString always reads back); fall back to the full upward search.
            for (precision = 1; precision <= 17 && best == null; precision++) {
                best = closestAt(exact, precision, value);
            }
            if (best == null) {
                throw new AssertionError("17 significant digits always round-trip a double: " + value);
            }
            return best;
        }
        while (precision > 1) {
            BigDecimal shorter = closestAt(exact, precision - 1, value);
            if (shorter == null) {
                break;
            }
            best = shorter;
            precision--;
        }
        return best;
    }

    /**
     * Of the two decimals with {@code precision} significant digits that bracket {@code exact}, the one that reads
     * back as {@code value} (the closer if both do, the even one on a tie), or null if neither does.
     */
    private static BigDecimal closestAt(BigDecimal exact, int precision, double value) {
        BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
        BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
        boolean downOk = readsBackAs(down, value);
        boolean upOk = down.compareTo(up) == 0 ? downOk : readsBackAs(up, value);
        if (downOk && upOk) {
            int cmp = exact.subtract(down).compareTo(up.subtract(exact));
            if (cmp < 0) {
                return down.stripTrailingZeros();
            }
            if (cmp > 0) {
                return up.stripTrailingZeros();
            }
            // Tie (or down == up): the one whose last digit at this precision is even.
            return (down.unscaledValue().testBit(0) ? up : down).stripTrailingZeros();
        }
        if (downOk) {
            return down.stripTrailingZeros();
        }
        if (upOk) {
            return up.stripTrailingZeros();
        }
        return null;
    }

    private static boolean readsBackAs(BigDecimal candidate, double value) {
        return Double.parseDouble(candidate.toString()) == value;
    }

    /** ECMA-262 Number::toString steps 6 to 10 for digits s (k of them) and decimal exponent n. */
    private static String format(String s, int k, int n) {
        StringBuilder out = new StringBuilder(32);
        if (k <= n && n <= 21) {
            out.append(s);
            out.append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(s, 0, n).append('.').append(s, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(s);
        } else {
            int exponent = n - 1;
            out.append(s.charAt(0));
            if (k > 1) {
                out.append('.').append(s, 1, k);
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
        return out.toString();
    }
}
