/**
 * Heat dispatch: a plant's boiler allocation solved with choco-solver ({@link
 * io.greenlang.streams.dispatch.ChocoDispatchSolver} behind {@link io.greenlang.streams.dispatch.DispatchSolver})
 * and published as DispatchPlan by {@link io.greenlang.streams.dispatch.DispatchTopology}, off the stream thread.
 */
package io.greenlang.streams.dispatch;
