package io.nott.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The OpenResty differential suite: every case of {@code cases/*.t} runs on real nginx 1.22 with
 * Debian's lua-nginx-module and on the real edge (units published through the real registry),
 * and the answers are compared with nginx's recorded one. See the module README for the format,
 * record mode and the report.
 */
class OpenRestyConformanceIT {

    private static final Path CASES = Path.of(System.getProperty("conformance.cases", "src/test/resources/cases"));
    private static final Path ACCEPTED = Path.of(System.getProperty("conformance.accepted", "accepted-differences.txt"));
    private static final Path WORK = Path.of(System.getProperty("conformance.work", "target/conformance")).toAbsolutePath();
    private static final Path ROOT = Path.of(System.getProperty("platform.root", "..")).toAbsolutePath().normalize();
    private static final boolean RECORD = Boolean.parseBoolean(System.getProperty("conformance.record", "false"));

    private static final List<Verdict> VERDICTS = new ArrayList<>();
    private static final List<String> UNKNOWN_LISTINGS = new ArrayList<>();
    private static NginxServer nginx;
    private static EdgePlatform edge;

    @BeforeAll
    static void runEveryCaseOnBoth() throws IOException {
        List<CaseFile> files = caseFiles();
        List<ConformanceCase> cases = files.stream().flatMap(f -> f.cases().stream()).toList();
        AcceptedDifferences accepted = AcceptedDifferences.read(ACCEPTED);
        deleteRecursively(WORK);
        List<Integer> ports = FreePorts.distinct(2);
        ConformanceDicts.installBundled(ROOT, WORK.resolve("nginx/lua"));
        nginx = NginxServer.start(WORK.resolve("nginx"), cases, ports.get(0), ports.get(1));
        edge = EdgePlatform.start(ROOT, WORK, nginx.originPort());
        edge.declareDicts(ConformanceDicts.DICTS);

        Map<String, String> refusedByRegistry = new LinkedHashMap<>();
        for (ConformanceCase c : cases) {
            try {
                edge.publish(c);
            } catch (EdgePlatform.UnitRefused e) {
                refusedByRegistry.put(c.id(), e.getMessage());
            }
        }
        edge.awaitApplied(edge.version());

        Map<String, Answer> recorded = new LinkedHashMap<>();
        for (ConformanceCase c : cases) {
            VERDICTS.add(run(c, accepted, refusedByRegistry.get(c.id()), recorded));
        }
        if (RECORD) {
            files.forEach(f -> f.writeWithExpectations(recorded));
        }
        Set<String> ids = new HashSet<>(cases.stream().map(ConformanceCase::id).toList());
        accepted.reasons().keySet().stream().filter(id -> !ids.contains(id)).forEach(UNKNOWN_LISTINGS::add);

        String report = Report.render(VERDICTS, UNKNOWN_LISTINGS);
        System.out.print(report);
        Report.write(WORK.resolve("report.txt"), report);
    }

    private static Verdict run(ConformanceCase c, AcceptedDifferences accepted, String refusedByRegistry,
            Map<String, Answer> recorded) {
        String nginxRefused = nginx.refused().get(c.id());
        if (nginxRefused != null) {
            return new Verdict(c.id(), c.area(), Verdict.Kind.NGINX_CHANGED, "nginx refuses the case's config: " + nginxRefused);
        }
        ConformanceCase.CaseRequest request = c.request();
        Answer fromNginx = c.compared(RawHttp.send(nginx.port(), c.host(), request));
        recorded.put(c.id(), fromNginx);
        if (!RECORD) {
            var expected = c.expectation();
            if (expected.isEmpty()) {
                return new Verdict(c.id(), c.area(), Verdict.Kind.NGINX_CHANGED,
                        "no expectation recorded; run with -Dconformance.record=true and review the diff");
            }
            if (!expected.get().sameAs(fromNginx)) {
                return new Verdict(c.id(), c.area(), Verdict.Kind.NGINX_CHANGED, "nginx no longer answers the recorded expectation: "
                        + fromNginx.differenceFrom(expected.get(), "nginx", "recorded"));
            }
        }
        Answer fromEdge = refusedByRegistry != null
                ? new Answer("registry refused the unit: " + refusedByRegistry, Map.of(), new byte[0])
                : c.compared(RawHttp.send(edge.edgePort(), c.host(), request));
        boolean same = fromEdge.sameAs(fromNginx);
        boolean listed = accepted.lists(c.id());
        if (same && listed) {
            return new Verdict(c.id(), c.area(), Verdict.Kind.STALE_LISTING,
                    "the edge now answers what nginx answers; remove it from accepted-differences.txt");
        }
        if (same) {
            return new Verdict(c.id(), c.area(), Verdict.Kind.MATCH, "");
        }
        String difference = fromEdge.differenceFrom(fromNginx, "edge", "nginx");
        return listed
                ? new Verdict(c.id(), c.area(), Verdict.Kind.ACCEPTED, accepted.reasons().get(c.id()) + " (" + difference + ")")
                : new Verdict(c.id(), c.area(), Verdict.Kind.DIFFERS, difference);
    }

    @AfterAll
    static void stopEverything() {
        if (edge != null) {
            edge.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseAnswersAsNginxOrIsAnAcceptedDifference() {
        return VERDICTS.stream().map(v -> DynamicTest.dynamicTest(v.id(), () ->
                assertThat(v.kind().passes).as("%s %s: %s", v.kind(), v.id(), v.detail()).isTrue()));
    }

    @Test
    void everyAcceptedDifferenceNamesACase() {
        assertThat(UNKNOWN_LISTINGS).as("accepted-differences.txt lists cases that do not exist").isEmpty();
    }

    private static List<CaseFile> caseFiles() throws IOException {
        try (Stream<Path> paths = Files.list(CASES)) {
            List<CaseFile> files = paths.filter(p -> p.toString().endsWith(".t")).sorted()
                    .map(CaseFile::read).toList();
            assertThat(files).as("case files in " + CASES).isNotEmpty();
            return files;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
