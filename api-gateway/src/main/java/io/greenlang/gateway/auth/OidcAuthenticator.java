package io.greenlang.gateway.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.Authenticator;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates {@code Authorization: Bearer <JWT>} with Nimbus JOSE+JWT: the signature is checked against the
 * provider's JWKS ({@code GL_OIDC_JWKS_URL}, cached and refreshed by Nimbus, refetched for an unknown {@code kid}),
 * then {@code exp}/{@code nbf} (60 s clock skew), the issuer ({@code GL_OIDC_ISSUER}) and audience
 * ({@code GL_OIDC_AUDIENCE}) when configured. The principal is {@code sub}, tenant claim {@code tenant} (required;
 * {@code "*"} is every tenant, as the provider decides) and claim {@code roles} (an array or a space-separated
 * string; names other than viewer, submitter, approver, admin are ignored).
 *
 * <p>Any invalid token is 401 GL-E-RBAC-DENIED; a JWKS that cannot be fetched is 503 GL-E-NETWORK-REFUSED (the
 * token may be fine). Bearer values that are API keys ({@code glk_...}) are left to {@link ApiKeyAuthenticator}.
 */
public final class OidcAuthenticator implements Authenticator {

    /** The claim naming the caller's tenant. */
    public static final String TENANT_CLAIM = "tenant";
    /** The claim listing the caller's roles. */
    public static final String ROLES_CLAIM = "roles";

    private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticator.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final URL jwksUrl;

    /**
     * @param jwksUrl  the provider's JWK set
     * @param issuer   the required {@code iss}, or null for any
     * @param audience an {@code aud} the token must include, or null for any
     */
    public OidcAuthenticator(URL jwksUrl, String issuer, String audience) {
        this.jwksUrl = Objects.requireNonNull(jwksUrl, "jwksUrl");
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUrl).retrying(true).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        // Nimbus probes these sets with contains(null): mutable sets, not Set.of
        Set<String> audiences = audience == null ? null : new HashSet<>(List.of(audience));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audiences, exact.build(),
                new HashSet<>(List.of("sub", "exp")), null));
    }

    /**
     * The authenticator of {@code GL_OIDC_JWKS_URL}, {@code GL_OIDC_ISSUER}, {@code GL_OIDC_AUDIENCE}.
     *
     * @param config the platform configuration
     * @return the authenticator, empty when {@code GL_OIDC_JWKS_URL} is not set
     * @throws IllegalArgumentException when the URL is not a URL
     */
    public static Optional<OidcAuthenticator> fromConfig(GlConfig config) {
        return config.oidcJwksUrl().map(url -> {
            try {
                return new OidcAuthenticator(URI.create(url).toURL(), config.oidcIssuer().orElse(null),
                        config.oidcAudience().orElse(null));
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException(GlConfig.OIDC_JWKS_URL + " is not a URL: " + url, e);
            }
        });
    }

    @Override
    public Optional<Principal> authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null
                || !authorization.regionMatches(true, 0, ApiKeyAuthenticator.BEARER, 0,
                ApiKeyAuthenticator.BEARER.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(ApiKeyAuthenticator.BEARER.length()).trim();
        if (token.startsWith(ApiKeys.PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(principal(ctx, token));
    }

    private Principal principal(Context ctx, String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw ApiKeyAuthenticator.unauthorized(ctx, "Malformed bearer token: not a signed JWT");
        } catch (KeySourceException e) {
            throw new GreenLangException(ErrorCode.NETWORK_REFUSED, "Cannot fetch the OIDC keys from " + jwksUrl
                    + " to verify the bearer token", e);
        } catch (BadJOSEException | JOSEException e) {
            LOG.debug("Bearer token refused: {}", e.getMessage());
            throw ApiKeyAuthenticator.unauthorized(ctx, "Invalid bearer token: " + e.getMessage());
        }
        if (claims.getSubject().isBlank()) {
            throw ApiKeyAuthenticator.unauthorized(ctx, "The bearer token's 'sub' claim is blank");
        }
        Object tenant = claims.getClaim(TENANT_CLAIM);
        if (!(tenant instanceof String name) || name.isBlank()) {
            throw ApiKeyAuthenticator.unauthorized(ctx, "The bearer token has no '" + TENANT_CLAIM
                    + "' claim: tokens must name the caller's tenant");
        }
        return new Principal(claims.getSubject(), name, roles(claims.getClaim(ROLES_CLAIM)));
    }

    static Set<Role> roles(Object claim) {
        Collection<?> names;
        if (claim instanceof String text) {
            names = List.of(text.trim().split("\\s+"));
        } else if (claim instanceof Collection<?> list) {
            names = list;
        } else {
            names = List.of();
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Set<String> ignored = new HashSet<>();
        for (Object name : names) {
            try {
                roles.add(Role.parse(String.valueOf(name)));
            } catch (IllegalArgumentException e) {
                ignored.add(String.valueOf(name));
            }
        }
        if (!ignored.isEmpty()) {
            LOG.debug("Ignoring roles {} of a bearer token: not GreenLang roles", ignored);
        }
        return roles;
    }
}
