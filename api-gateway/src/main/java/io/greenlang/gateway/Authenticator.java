package io.greenlang.gateway;

import java.util.Optional;

import io.javalin.http.Context;

/**
 * Establishes who is calling from a request's credentials ({@code X-API-Key}, {@code Authorization: Bearer}).
 * The server calls it before every route that declares roles.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * The caller of this request.
     *
     * @param ctx the request
     * @return the principal, or empty when the request carries no credentials this authenticator understands
     * @throws ProblemException 401 when it carries credentials that are invalid, expired or revoked
     */
    Optional<Principal> authenticate(Context ctx);

    /**
     * Tries authenticators in order: the first that recognises the credentials decides.
     *
     * @param authenticators the authenticators, e.g. API keys then OIDC tokens
     * @return the combined authenticator
     */
    static Authenticator firstOf(Iterable<? extends Authenticator> authenticators) {
        return ctx -> {
            for (Authenticator authenticator : authenticators) {
                Optional<Principal> principal = authenticator.authenticate(ctx);
                if (principal.isPresent()) {
                    return principal;
                }
            }
            return Optional.empty();
        };
    }
}
