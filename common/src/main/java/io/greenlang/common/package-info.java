/**
 * Shared foundations of every GreenLang service: configuration ({@link io.greenlang.common.config}), the error
 * catalogue ({@link io.greenlang.common.error}), metrics ({@link io.greenlang.common.metrics}), the health and
 * metrics HTTP endpoints ({@link io.greenlang.common.http}), canonical JSON and hashing
 * ({@link io.greenlang.common.json}) and the Kafka client factory ({@link io.greenlang.common.kafka}).
 * Nothing here depends on a service module.
 */
package io.greenlang.common;
