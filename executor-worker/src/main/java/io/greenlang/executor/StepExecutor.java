package io.greenlang.executor;

import java.util.List;

/**
 * Runs step attempts somewhere: {@code local} (child processes) or {@code kubernetes} (one Job per attempt).
 * Implementations are safe to call from several threads.
 *
 * <p>The contract that makes the worker crash-safe: an attempt is launched at most once. {@link #launch}
 * for an attempt this executor (or an earlier instance of it, before a restart) already launched returns a
 * handle on that attempt ({@link Execution#adopted()} true) instead of starting a second one, whether it is
 * still running or has ended. {@link #recover()} lists the attempts launched earlier whose end has not been
 * {@link #reported} yet, so that a restarted worker re-attaches to them and reports them.
 */
public interface StepExecutor extends AutoCloseable {

    /** {@code local} or {@code kubernetes}. */
    String name();

    /**
     * Launches the attempt, or adopts it when it was launched before.
     *
     * @throws io.greenlang.common.error.GreenLangException when it cannot be launched, with the code
     *         (e.g. GL-E-K8S-QUOTA, GL-E-AGENT-CRASH when the command cannot be started)
     */
    Execution launch(StepLaunch launch);

    /** Attempts launched earlier and not yet {@link #reported}, running or ended, re-attached. */
    List<Execution> recover();

    /** Stops the attempt if it runs (its outcome then completes as cancelled/failed); no-op otherwise. */
    void cancel(AttemptId id);

    /**
     * The worker has durably reported the attempt's end: {@link #recover()} no longer returns it, and the
     * executor may clean up (the record that it was launched stays until the attempt ages out, so that a
     * redelivered command still adopts instead of relaunching).
     */
    void reported(AttemptId id);

    /** Stops watching; running attempts keep running (a restarted worker re-attaches). */
    @Override
    void close();
}
