package io.nott.player.health;

import io.nott.player.service.PageAssets;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the Clappr bundle the page loads is really packaged (no CDN to fall back to). */
@Readiness
@ApplicationScoped
public class ClapprBundleHealthCheck implements HealthCheck {

    private final PageAssets assets;

    public ClapprBundleHealthCheck(PageAssets assets) {
        this.assets = assets;
    }

    @Override
    public HealthCheckResponse call() {
        long size = assets.clapprBundleSize();
        return HealthCheckResponse.named("clappr-bundle")
                .status(assets.clapprBundlePresent())
                .withData("resource", PageAssets.CLAPPR_BUNDLE)
                .withData("bytes", size)
                .build();
    }
}
