package io.greenlang.topics;

/**
 * A call to the cluster made by {@link TopicAdmin} failed or timed out. The cause is Kafka's own exception.
 */
public final class TopicAdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Wraps Kafka's failure with what the admin was doing. */
    public TopicAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
