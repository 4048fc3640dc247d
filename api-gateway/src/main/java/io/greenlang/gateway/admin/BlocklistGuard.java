package io.greenlang.gateway.admin;

import java.util.Map;
import java.util.Objects;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.RequestGuard;
import io.greenlang.gateway.Route;
import io.javalin.http.Context;

/**
 * Refuses every authenticated request of a principal whose tenant is on the {@link TenantBlocklist}: 403
 * GL-E-TENANT-ISOLATION naming the tenant and the reason. Platform principals ({@link Principal#ALL_TENANTS}) are
 * never blocked, so an operator can always lift a block. Sees a block made on another instance within the list's
 * cache expiry.
 */
public final class BlocklistGuard implements RequestGuard {

    private final TenantBlocklist blocklist;

    /**
     * @param blocklist the list to check
     */
    public BlocklistGuard(TenantBlocklist blocklist) {
        this.blocklist = Objects.requireNonNull(blocklist, "blocklist");
    }

    @Override
    public void check(Context ctx, Route route, Principal principal) {
        if (principal.allTenants()) {
            return;
        }
        String tenant = principal.tenant();
        blocklist.blocked(tenant).ifPresent(entry -> {
            throw new GreenLangException(ErrorCode.TENANT_ISOLATION,
                    "Tenant " + tenant + " is blocklisted: " + entry.reason(), null, Map.of("tenant", tenant));
        });
    }
}
