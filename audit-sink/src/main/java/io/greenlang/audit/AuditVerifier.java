package io.greenlang.audit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes every chain of a store periodically ({@link AuditStore#verifyAll()}) and publishes the outcome:
 * {@link GlMetrics#AUDIT_CHAIN_VALID} (1 if every chain is intact, 0 if any is broken), {@link GlMetrics#AUDIT_CHAINS}
 * (chains verified), one ERROR log line and one {@link ErrorCode#AUDIT_CHAIN_BROKEN} error count per broken chain.
 *
 * <p>The gauges are registered by the first verification that completes, so nothing claims the chains are intact
 * before one did. A verification that fails (database unreachable, timeout) is logged and counted, leaves the
 * gauges as they were and is retried at the next tick; it never stops the schedule. This class never writes to
 * the store.
 */
public final class AuditVerifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditVerifier.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final AuditStore store;
    private final GlMeters meters;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;

    /**
     * Creates the verifier; {@link #start()} schedules it.
     *
     * @param store    the store to verify
     * @param meters   where the gauges and error counts go
     * @param interval time between the end of one verification and the start of the next; positive
     */
    public AuditVerifier(AuditStore store, GlMeters meters, Duration interval) {
        this.store = Objects.requireNonNull(store, "store");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "audit-verifier-" + store.schema());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs a first verification now and then one every interval, on the verifier's own thread.
     *
     * @return this verifier
     */
    public AuditVerifier start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("[audit {}] verifying every chain every {}", store.schema(), interval);
        return this;
    }

    /**
     * Verifies every chain once and publishes the outcome, on the caller's thread.
     *
     * @return one result per chain, as {@link AuditStore#verifyAll()}
     * @throws GreenLangException if the store cannot be read; the gauges are left as they were
     */
    public List<ChainVerification> runOnce() {
        long started = System.nanoTime();
        List<ChainVerification> results = store.verifyAll();
        long broken = 0;
        for (ChainVerification result : results) {
            if (!result.valid()) {
                broken++;
                LOG.error("[audit {}] {}: chain {} broken at seq {}: {} {}", store.schema(),
                        ErrorCode.AUDIT_CHAIN_BROKEN.code(), result.chainId(), result.firstBadSeq(), result.problem(),
                        result.detail());
                meters.recordError(ErrorCode.AUDIT_CHAIN_BROKEN);
            }
        }
        meters.gauge(GlMetrics.AUDIT_CHAINS).set(results.size());
        meters.gauge(GlMetrics.AUDIT_CHAIN_VALID).set(broken == 0 ? 1 : 0);
        LOG.info("[audit {}] verified {} chains in {} ms, {} broken", store.schema(), results.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), broken);
        return results;
    }

    private void tick() {
        try {
            runOnce();
        } catch (GreenLangException e) {
            meters.recordError(e.errorCode());
            LOG.error("[audit {}] verification failed, retrying in {}", store.schema(), interval, e);
        } catch (RuntimeException e) {
            meters.recordError(ErrorCode.INTERNAL);
            LOG.error("[audit {}] verification failed, retrying in {}", store.schema(), interval, e);
        }
    }

    /** Stops the schedule, waiting a little for a verification in progress. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("[audit {}] verification still running after {}, abandoned", store.schema(), CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
