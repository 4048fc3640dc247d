package io.greenlang.gateway.auth;

import java.util.Objects;
import java.util.Optional;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.gateway.Authenticator;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.ProblemException;
import io.javalin.http.Context;

/**
 * Authenticates requests by API key, sent as {@code X-API-Key: glk_...} or {@code Authorization: Bearer glk_...}.
 * A request without a key is not this authenticator's (empty, so that an OIDC authenticator may try); a key that
 * is malformed, unknown, revoked or has the wrong secret is 401 GL-E-RBAC-DENIED, with the same detail for the last
 * three so that a caller cannot probe which key ids exist.
 */
public final class ApiKeyAuthenticator implements Authenticator {

    /** The header carrying an API key. */
    public static final String HEADER = "X-API-Key";
    static final String BEARER = "Bearer ";
    static final String CHALLENGE = "Bearer realm=\"greenlang\", ApiKey header=\"X-API-Key\"";

    private final ApiKeys keys;

    /**
     * @param keys the key store
     */
    public ApiKeyAuthenticator(ApiKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public Optional<Principal> authenticate(Context ctx) {
        String presented = ctx.header(HEADER);
        if (presented == null) {
            String authorization = ctx.header("Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    || !authorization.substring(BEARER.length()).trim().startsWith(ApiKeys.PREFIX)) {
                return Optional.empty();
            }
            presented = authorization.substring(BEARER.length()).trim();
        }
        if (!ApiKeys.wellFormed(presented)) {
            throw unauthorized(ctx, "Malformed API key: a GreenLang key reads glk_<16 hex digits>_<43 base64url"
                    + " characters>");
        }
        return Optional.of(keys.verify(presented)
                .orElseThrow(() -> unauthorized(ctx, "Invalid API key: unknown, revoked or wrong secret"))
                .principal());
    }

    static ProblemException unauthorized(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", CHALLENGE);
        return new ProblemException(401, ErrorCode.RBAC_DENIED, detail);
    }
}
