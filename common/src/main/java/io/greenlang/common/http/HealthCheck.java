package io.greenlang.common.http;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One named readiness check of a service (Kafka reachable, database reachable, state stores restored, ...),
 * reported by {@code /health/ready} of {@link ServiceHttpServer}. A check that throws or exceeds its time limit
 * counts as {@link Status#DOWN} with the exception's message as detail.
 *
 * <p>A check must be quick and side-effect free: it runs on every probe (every few seconds) and must never
 * change state, take locks held by request processing, or block longer than the server's check timeout.
 */
public interface HealthCheck {

    /** The check's name: the key of its entry in the readiness JSON. Not {@code status}. */
    String name();

    /**
     * Checks the dependency now.
     *
     * @return the result
     * @throws Exception a failure, reported as DOWN with its message
     */
    Result check() throws Exception;

    /**
     * A check from a name and a callable.
     *
     * @param name  the name
     * @param check the check
     * @return the health check
     */
    static HealthCheck of(String name, Callable<Result> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result check() throws Exception {
                return check.call();
            }

            @Override
            public String toString() {
                return "HealthCheck[" + name + "]";
            }
        };
    }

    /** Whether a check passed. */
    enum Status {
        /** Working. */
        UP,
        /** Not working; the service is not ready. */
        DOWN
    }

    /**
     * The outcome of one check.
     *
     * @param status UP or DOWN
     * @param detail a short explanation for operators, may be empty; never a secret
     */
    record Result(Status status, String detail) {

        /** Validates the components; a null detail becomes empty. */
        public Result {
            Objects.requireNonNull(status, "status");
            detail = detail == null ? "" : detail;
        }

        /** UP without detail. */
        public static Result up() {
            return new Result(Status.UP, "");
        }

        /**
         * UP with a detail.
         *
         * @param detail e.g. "3 brokers"
         * @return the result
         */
        public static Result up(String detail) {
            return new Result(Status.UP, detail);
        }

        /**
         * DOWN with a detail.
         *
         * @param detail why
         * @return the result
         */
        public static Result down(String detail) {
            return new Result(Status.DOWN, detail);
        }

        /** Whether the status is UP. */
        public boolean isUp() {
            return status == Status.UP;
        }
    }
}
