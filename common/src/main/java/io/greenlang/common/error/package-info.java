/**
 * The runbook's error catalogue ({@link io.greenlang.common.error.ErrorCode}), the platform's runtime exception
 * ({@link io.greenlang.common.error.GreenLangException}) and retry timing
 * ({@link io.greenlang.common.error.Backoff}).
 */
package io.greenlang.common.error;
