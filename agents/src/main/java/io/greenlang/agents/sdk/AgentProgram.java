package io.greenlang.agents.sdk;

import java.util.Map;

/**
 * One agent as a process runs it: an id, a description, and what the process does with its environment, ending
 * in the process's exit code. {@link AgentRunner#program(Agent)} makes one that keeps the contract below. Writing
 * one by hand means owning the contract; only the test agents that break it on purpose do that.
 *
 * <p>Exit codes (the worker relies on them):
 * <ul>
 *   <li>{@value #EXIT_RESULT_WRITTEN}: a {@code result.json} was written. Its status says whether the step
 *       succeeded; a failed result carries the GL-E code in {@code error.code}.</li>
 *   <li>{@value #EXIT_CRASH}: the agent crashed. Either nothing could be written (input unreadable, bucket
 *       unreachable) or the agent threw an unexpected exception, in which case a failed result with
 *       {@code GL-E-AGENT-CRASH} and the exception's message was written on a best-effort basis. The worker reports
 *       {@code GL-E-AGENT-CRASH} for any non-zero exit.</li>
 *   <li>{@value #EXIT_USAGE}: the process was launched wrongly: unknown agent id, {@code GL_INPUT_URI} missing or
 *       not an {@code s3://} URI, invalid {@code GL_S3_*} settings. Nothing was written.</li>
 * </ul>
 */
public interface AgentProgram {

    /** A result.json was written (succeeded or failed). */
    int EXIT_RESULT_WRITTEN = 0;
    /** The agent crashed; a result may have been written on a best-effort basis. */
    int EXIT_CRASH = 1;
    /** The process was launched wrongly; nothing was written. */
    int EXIT_USAGE = 2;

    /** The agent id. */
    String id();

    /** One line for {@code --list} and docs. */
    String description();

    /**
     * Runs the agent in this process.
     *
     * @param environment the process environment ({@code GL_INPUT_URI}, {@code GL_OUTPUT_URI}, {@code GL_S3_*})
     * @return the exit code
     */
    int run(Map<String, String> environment);
}
