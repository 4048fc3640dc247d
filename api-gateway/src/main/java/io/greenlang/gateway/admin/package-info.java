/**
 * Admin operations (role ADMIN): maintenance mode, emergency stop, cancel-all, the tenant blocklist and manual
 * audit entries. Every action is published as an {@code AdminAction} on gl.admin.actions before the caller gets
 * an answer ({@link io.greenlang.gateway.admin.AdminEvents}); the blocklist and maintenance mode live in the
 * gateway's PostgreSQL schema so every instance sees them.
 */
package io.greenlang.gateway.admin;
