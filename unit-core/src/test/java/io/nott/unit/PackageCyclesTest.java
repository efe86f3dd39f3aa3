package io.nott.unit;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No package of this module imports a package that imports it back, at any depth. The same rule
 * as test-support's {@code PackageCycles}, written here because this module does not depend on
 * test-support. Slices are cut below {@code io.nott} so the root package is a slice too.
 */
class PackageCyclesTest {

    @Test
    void mainPackagesAreFreeOfCycles() {
        // Only this module's classes matter; not following references into libraries keeps it fast.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.nott.unit");
        assertThat(main).as("main classes below io.nott.unit").isNotEmpty();
        slices().matching("io.nott.(**)").namingSlices("$1").should().beFreeOfCycles().check(main);
    }
}
