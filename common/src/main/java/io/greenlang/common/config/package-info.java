/**
 * Service configuration declared with Kafka's {@code ConfigDef}: {@link io.greenlang.common.config.GlConfig}
 * and its typed values. The reference documentation is generated from the declarations.
 */
package io.greenlang.common.config;
