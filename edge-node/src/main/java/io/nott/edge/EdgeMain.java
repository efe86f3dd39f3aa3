package io.nott.edge;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the edge with Quarkus' own URI check turned off, so that the edge's nginx rules decide
 * which request targets are valid.
 *
 * <p>Quarkus answers an empty 400 to any request target {@code java.net.URI} refuses, before any
 * route runs. That refuses targets nginx serves (raw {@code | { } ^ " [ ]}, raw UTF-8 whose bytes
 * fall in C1 controls, such as {@code €}) and answers targets nginx refuses with a 400 that says
 * nothing ({@code %zz}). The edge's proxy sees every request first and normalises its path as
 * nginx does ({@code UriNormalizer}: bad escapes, {@code %00} and paths above {@code /} get the
 * proxy's 400 in the one error shape). The switch is the JVM property
 * {@code vertx.disableURIValidation}, read once when Quarkus' HTTP layer loads: this main sets it
 * for the jar and the native executable; the edge's test JVMs get it from edge-node's pom, the
 * native build from {@code quarkus.native.additional-build-args}.
 */
@QuarkusMain
public final class EdgeMain {

    /** The JVM property Quarkus' HTTP layer reads to skip its {@code java.net.URI} check. */
    public static final String NO_QUARKUS_URI_CHECK = "vertx.disableURIValidation";

    private EdgeMain() {
    }

    public static void main(String... args) {
        System.setProperty(NO_QUARKUS_URI_CHECK, "true");
        Quarkus.run(args);
    }
}
