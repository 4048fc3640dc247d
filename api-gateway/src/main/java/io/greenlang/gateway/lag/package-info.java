/**
 * The consumer-lag monitor: samples committed and log-end offsets of consumer groups, keeps a sliding window
 * of samples per partition and evaluates it with Burrow's rules ({@link io.greenlang.gateway.lag.LagEvaluator}).
 */
package io.greenlang.gateway.lag;
