package io.greenlang.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.greenlang.common.config.GlConfig;
import io.greenlang.gateway.Role;
import org.junit.jupiter.api.Test;

/** Settings and claim parsing of {@link OidcAuthenticator}, without a provider. */
class OidcAuthenticatorTest {

    @Test
    void shouldBeAbsentWhenNoJwksUrlIsConfigured() {
        assertThat(OidcAuthenticator.fromConfig(GlConfig.load(Map.of(), Optional.empty()))).isEmpty();
        assertThat(OidcAuthenticator.fromConfig(GlConfig.load(Map.of(GlConfig.OIDC_JWKS_URL,
                "https://idp.example/jwks.json"), Optional.empty()))).isPresent();
    }

    @Test
    void shouldReadRolesFromAnArrayOrASpaceSeparatedStringIgnoringUnknownNames() {
        assertThat(OidcAuthenticator.roles(List.of("viewer", "APPROVER", "offline_access")))
                .containsExactlyInAnyOrder(Role.VIEWER, Role.APPROVER);
        assertThat(OidcAuthenticator.roles(" submitter  admin ")).containsExactlyInAnyOrder(Role.SUBMITTER, Role.ADMIN);
        assertThat(OidcAuthenticator.roles(null)).isEmpty();
    }
}
