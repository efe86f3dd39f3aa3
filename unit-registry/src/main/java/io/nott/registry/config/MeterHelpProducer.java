package io.nott.registry.config;

import io.micrometer.core.instrument.config.MeterFilter;
import io.nott.service.http.MeterHelp;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Help for the meters Quarkus' binders register without one (service-http's {@link MeterHelp}): no empty {@code # HELP} line. */
@Singleton
public class MeterHelpProducer {

    @Produces
    @Singleton
    MeterFilter meterHelp() {
        return MeterHelp.filter();
    }
}
