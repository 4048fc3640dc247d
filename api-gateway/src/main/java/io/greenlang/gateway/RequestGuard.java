package io.greenlang.gateway;

import io.javalin.http.Context;

/**
 * A check the server runs on every authenticated request after the role check, before the route's handler: a
 * blocklisted tenant, a rate limit. Throws to refuse ({@link ProblemException} or
 * {@link io.greenlang.common.error.GreenLangException}); returns to let the request through.
 */
@FunctionalInterface
public interface RequestGuard {

    /**
     * Checks one request.
     *
     * @param ctx       the request
     * @param route     the route it matched
     * @param principal who is calling
     */
    void check(Context ctx, Route route, Principal principal);
}
