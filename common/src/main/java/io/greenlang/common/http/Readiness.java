package io.greenlang.common.http;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness ({@code /health/ready}) of a service: an ordered list of {@link HealthCheck}s, run concurrently, each
 * within the check timeout; a check that throws, returns null or times out is DOWN with the reason as detail. The
 * one implementation behind {@link ServiceHttpServer} and the API gateway; the body is
 * {@code {"status":"UP|DOWN","<check>":{"status","detail"}}}.
 */
public final class Readiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final List<HealthCheck> checks;
    private final Duration timeout;
    private final ExecutorService executor;

    /**
     * @param checks  the checks; names unique, not blank, not {@code status}
     * @param timeout limit of one evaluation, positive
     */
    public Readiness(List<? extends HealthCheck> checks, Duration timeout) {
        this.checks = List.copyOf(checks);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("check timeout must be positive: " + timeout);
        }
        Set<String> names = new HashSet<>();
        for (HealthCheck check : this.checks) {
            String name = check.name();
            if (name == null || name.isBlank() || name.equals("status") || !names.add(name)) {
                throw new IllegalArgumentException("Health check names must be unique, not blank and not 'status': "
                        + name);
            }
        }
        int id = INSTANCES.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "gl-health-check-" + id + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The names of the checks, in order. */
    public List<String> names() {
        return checks.stream().map(HealthCheck::name).toList();
    }

    /**
     * Runs every check now.
     *
     * @return each check's result by name, in order
     */
    public Map<String, HealthCheck.Result> run() {
        Map<String, Future<HealthCheck.Result>> futures = new LinkedHashMap<>();
        for (HealthCheck check : checks) {
            futures.put(check.name(), executor.submit(check::check));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
        futures.forEach((name, future) -> results.put(name, await(name, future, deadline)));
        return results;
    }

    /**
     * The readiness body of these results.
     *
     * @param results from {@link #run()}
     * @return {@code status} first, then one member per check
     */
    public static Map<String, Object> body(Map<String, HealthCheck.Result> results) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", allUp(results) ? HealthCheck.Status.UP.name() : HealthCheck.Status.DOWN.name());
        results.forEach((name, result) -> {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("status", result.status().name());
            entry.put("detail", result.detail());
            body.put(name, entry);
        });
        return body;
    }

    /**
     * @param results from {@link #run()}
     * @return true if every check is UP (true for no checks)
     */
    public static boolean allUp(Map<String, HealthCheck.Result> results) {
        return results.values().stream().allMatch(HealthCheck.Result::isUp);
    }

    private HealthCheck.Result await(String name, Future<HealthCheck.Result> future, long deadline) {
        try {
            HealthCheck.Result result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return result != null ? result : HealthCheck.Result.down("check returned no result");
        } catch (TimeoutException e) {
            future.cancel(true);
            LOG.warn("Health check {} timed out after {} ms", name, timeout.toMillis());
            return HealthCheck.Result.down("timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.debug("Health check {} failed", name, cause);
            String message = cause.getMessage();
            return HealthCheck.Result.down(message == null || message.isBlank() ? cause.getClass().getName() : message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return HealthCheck.Result.down("interrupted");
        }
    }

    /** Stops the check threads. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
