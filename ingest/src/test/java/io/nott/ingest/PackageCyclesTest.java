package io.nott.ingest;

import io.nott.testsupport.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/** No package of this module imports a package that imports it back (the rule: test-support's {@link PackageCycles}). */
class PackageCyclesTest {

    @Test
    void mainPackagesAreFreeOfCycles() {
        PackageCycles.assertNoneInMainClasses("io.nott.ingest");
    }
}
