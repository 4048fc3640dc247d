/**
 * Write-back of dispatch setpoints: the {@link io.greenlang.scada.writeback.SetpointWriter} writes the setpoints of
 * non-advisory dispatch plans to the plant's writable tags, within the tag map's limits, and publishes every write
 * and refusal as a SetpointWrite event. Off unless the plant's tag map enables it.
 */
package io.greenlang.scada.writeback;
