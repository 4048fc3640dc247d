package io.greenlang.localstack;

/**
 * A server of the {@link LocalStack} could not be started or stopped, or its data directory is unusable.
 * The cause is the server's own exception; failures of the other servers during the same start or stop
 * are attached as suppressed exceptions.
 */
public final class LocalStackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message saying what the stack was doing. */
    public LocalStackException(String message) {
        super(message);
    }

    /** Wraps a server's failure with what the stack was doing. */
    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
