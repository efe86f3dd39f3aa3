package io.nott.service.http;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Produces {@link MeterHelp}'s filter for every service that depends on this library (registry,
 * ingest, edge): each has Quarkus' Micrometer extension, which applies CDI {@code MeterFilter}s
 * before any meter is created. Quarkus finds this bean through the library's
 * {@code META-INF/beans.xml}.
 */
@Singleton
public class MeterHelpProducer {

    @Produces
    @Singleton
    MeterFilter meterHelp() {
        return MeterHelp.filter();
    }
}
