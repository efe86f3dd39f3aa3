package io.nott.service.http;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Removes every meter of the application when it stops, as Quarkus itself does only in dev mode.
 *
 * <p>It observes CDI's standard end of the application scope, so this library needs no Quarkus API.
 *
 * <p>Why: Quarkus' root registry is Micrometer's static {@code Metrics.globalRegistry}. In tests,
 * several applications start one after another in one JVM and its meters outlive each of them. A
 * gauge is registered with a weak reference to the object it reads (the edge's HTTP cache, the
 * sync status, ...); the next application's gauge of the same name is then not registered (the
 * registry hands back the old one), and once the old object is collected the old gauge is left
 * out of the scrape. {@code EdgeProxyWiringIT} lost {@code edge_cache_size_bytes} this way, in
 * one CI run out of many, depending on when the collector ran.
 */
@Singleton
public class MetersEndWithTheApplication {

    void removeMeters(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping, MeterRegistry registry) {
        registry.clear();
    }
}
