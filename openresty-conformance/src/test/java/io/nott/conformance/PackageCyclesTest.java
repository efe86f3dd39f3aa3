package io.nott.conformance;

import io.nott.testsupport.arch.PackageCycles;
import org.junit.jupiter.api.Test;

/** No package of this module imports a package that imports it back (the rule: test-support's {@link PackageCycles}). */
class PackageCyclesTest {

    @Test
    void testPackagesAreFreeOfCycles() {
        PackageCycles.assertNoneInTestClasses("io.nott.conformance");
    }
}
