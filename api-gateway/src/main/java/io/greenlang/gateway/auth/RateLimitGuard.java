package io.greenlang.gateway.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.RequestGuard;
import io.greenlang.gateway.Route;
import io.javalin.http.Context;

/**
 * A per-caller rate limit ({@code GL_API_RATE_LIMIT_PER_MINUTE}): one Bucket4j token bucket per principal subject
 * (API key id or token {@code sub}), holding the limit and refilled greedily over the period, so a caller may burst
 * up to the limit and then gets a request every period/limit. A refused request is 429 GL-E-API-RATE-LIMIT with
 * {@code Retry-After} in whole seconds. The buckets live in this instance's memory (idle ones are dropped after
 * {@link #IDLE_EXPIRY}): with N gateway instances behind a balancer a caller may get up to N times the limit.
 */
public final class RateLimitGuard implements RequestGuard {

    /** A caller's bucket is forgotten after this long without a request (it would be full again anyway). */
    public static final Duration IDLE_EXPIRY = Duration.ofMinutes(10);

    private final long limit;
    private final Duration period;
    private final Cache<String, Bucket> buckets;

    /**
     * @param limit  requests per period and caller, at least 1
     * @param period the period over which the limit refills
     */
    public RateLimitGuard(long limit, Duration period) {
        if (limit < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate limit is at least 1 request per positive period");
        }
        this.limit = limit;
        this.period = period;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(IDLE_EXPIRY.compareTo(period) > 0 ? IDLE_EXPIRY
                : period.multipliedBy(2)).maximumSize(100_000).build();
    }

    /**
     * The guard of {@code GL_API_RATE_LIMIT_PER_MINUTE}.
     *
     * @param config the platform configuration
     * @return the guard, empty when the limit is 0 (off)
     */
    public static Optional<RateLimitGuard> fromConfig(GlConfig config) {
        int perMinute = config.apiRateLimitPerMinute();
        return perMinute == 0 ? Optional.empty() : Optional.of(new RateLimitGuard(perMinute, Duration.ofMinutes(1)));
    }

    @Override
    public void check(Context ctx, Route route, Principal principal) {
        Bucket bucket = buckets.get(principal.subject(), subject -> Bucket.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit).refillGreedy(limit, period)).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return;
        }
        long retryAfter = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        ctx.header("Retry-After", Long.toString(retryAfter));
        throw new GreenLangException(ErrorCode.API_RATE_LIMIT, principal.subject() + " exceeded " + limit
                + " requests per " + describe(period) + "; retry after " + retryAfter + " s", null,
                Map.of("limit", limit, "period_seconds", period.toSeconds(), "retry_after_seconds", retryAfter));
    }

    private static String describe(Duration period) {
        return period.equals(Duration.ofMinutes(1)) ? "minute" : period.toMillis() + " ms";
    }
}
