package io.nott.ingest.config;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads one ladder entry ({@code name:WIDTHxHEIGHT:videoKbps:audioKbps}) from configuration. */
public class RenditionConverter implements Converter<Rendition> {

    @Override
    public Rendition convert(String value) {
        return Rendition.parse(value);
    }
}
