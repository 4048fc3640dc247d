/**
 * The liveness, readiness and metrics endpoints every service exposes
 * ({@link io.greenlang.common.http.ServiceHttpServer}) and readiness checks
 * ({@link io.greenlang.common.http.HealthCheck}).
 */
package io.greenlang.common.http;
