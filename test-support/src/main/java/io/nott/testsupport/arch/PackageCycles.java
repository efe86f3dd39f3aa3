package io.nott.testsupport.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package-cycle rule every module runs in a plain JUnit test: each package is its own slice,
 * at every depth ({@code io.nott.edge.units} and {@code io.nott.edge.units.sync} are two
 * slices), and no slice may reach itself through imports. A cycle means two packages can only
 * be understood, tested and changed together, which is what the package split is meant to prevent.
 */
public final class PackageCycles {

    private PackageCycles() {
    }

    /**
     * Checks the module's main classes (those not under a test output folder) below {@code rootPackage}.
     *
     * @throws AssertionError naming every cycle and the imports that close it
     */
    public static void assertNoneInMainClasses(String rootPackage) {
        assertNone(rootPackage, importer()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage));
    }

    /**
     * Checks the module's test classes below {@code rootPackage} (for a module such as platform-e2e
     * whose Java code is all tests).
     */
    public static void assertNoneInTestClasses(String rootPackage) {
        assertNone(rootPackage, importer()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(rootPackage));
    }

    /**
     * Only the module's own classes matter for its cycles; not following references into
     * libraries (Vert.x, Quarkus) keeps the check a fraction of a second.
     */
    private static ClassFileImporter importer() {
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        return new ClassFileImporter();
    }

    /** Checks already imported classes; fails when there are none, so a mistyped package cannot pass. */
    public static void assertNone(String rootPackage, JavaClasses classes) {
        if (classes.isEmpty()) {
            throw new AssertionError("no classes found below " + rootPackage
                    + ": the package-cycle check would prove nothing; check the package name and that the module compiled");
        }
        rule().check(classes);
    }

    /**
     * One slice per package, free of cycles. Slices are cut below {@code io.nott} rather than below
     * a module's root so that the root package itself ({@code io.nott.ingest}) is a slice too.
     */
    public static ArchRule rule() {
        return slices().matching("io.nott.(**)")
                .namingSlices("$1")
                .should().beFreeOfCycles()
                .because("a package cycle ties packages together so that none can be read, tested or changed alone; "
                        + "move the shared type to the package both depend on, or invert the dependency with an interface");
    }
}
