package io.greenlang.agents.sdk;

/**
 * A step's work, written by an agent author: read inputs from the {@link AgentContext}, write artifacts and
 * outputs to it, return. The {@link AgentRunner} does everything around it (reading {@code input.json}, writing
 * {@code result.json} with provenance, exit codes).
 *
 * <p>How to fail: throw a {@link io.greenlang.common.error.GreenLangException} whose code says what is wrong
 * with the input ({@code GL-E-PARAM-*}, {@code GL-E-DATA-*}); the runner writes a failed result carrying that code
 * and the process exits 0, because the agent did its job of judging the input. Any other exception is a bug in the
 * agent: the runner writes a failed result with {@code GL-E-AGENT-CRASH} when it can and exits 1.
 *
 * <p>An agent must be deterministic for a given input and must not keep state between runs: a retry is a new
 * process with a new attempt folder.
 */
public interface Agent {

    /** The id pipelines name the agent by, e.g. {@code GL-MRV-X-001}; also {@code provenance.agent_id}. */
    String id();

    /** The version of the agent's logic (change it when results can change); {@code provenance.agent_version}. */
    String version();

    /** One line for {@code --list} and docs. */
    String description();

    /**
     * Does the step's work.
     *
     * @param context the run's inputs, and where to put artifacts and outputs
     * @throws Exception a {@link io.greenlang.common.error.GreenLangException} for a failure with a known code;
     *                   anything else is treated as a crash
     */
    void run(AgentContext context) throws Exception;
}
