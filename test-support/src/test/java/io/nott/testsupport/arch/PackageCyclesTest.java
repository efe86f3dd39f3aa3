package io.nott.testsupport.arch;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {

    @Test
    void testSupportMainClassesHaveNoPackageCycle() {
        assertThatCode(() -> PackageCycles.assertNoneInMainClasses("io.nott.testsupport")).doesNotThrowAnyException();
    }

    @Test
    void aCycleBetweenAPackageAndItsSubpackageIsFound() {
        // The fixture's two packages import each other; the rule must see the parent and the child as two slices.
        var classes = new ClassFileImporter().importPackages("io.nott.testsupport.arch.fixture");
        assertThatThrownBy(() -> PackageCycles.assertNone("io.nott.testsupport.arch.fixture", classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining("a.inner");
    }

    @Test
    void aMistypedPackageFailsInsteadOfPassingEmpty() {
        assertThatThrownBy(() -> PackageCycles.assertNoneInMainClasses("io.nott.doesnotexist"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no classes found below io.nott.doesnotexist");
    }
}
