package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.testsupport.FreePorts;
import io.nott.unit.codec.Json;
import io.nott.unit.pipeline.ErrorPages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry's dry run answers what the live edge answers: for every (unit, request) pair of
 * the table, the same status, body and unit-set headers from {@code POST /api/v1/units/test}
 * (with the whole stored chain and the origin's own answer as the sample upstream response) and
 * from a request to a real edge of a real platform ({@code ./platform up} on free ports).
 *
 * <p>All units are shipped once through the registry API; each guards itself with
 * {@code ?pair=<n>} so that one snapshot serves every pair. Requests go to the player-app
 * origin ({@code /app}: its page; {@code /app/missing}: its 404), whose answers do not change:
 * they are read once, before any unit is shipped, and given to the dry run as its sample.
 * Body filters are written so that the edge's chunking cannot matter.
 */
class DryRunMatchesEdgeIT {

    private static final Duration APPLIED = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Keeps the Redis keys of one run apart from any other run's. */
    private static final String NONCE = UUID.randomUUID().toString().substring(0, 8);

    private static LocalPlatform platform;
    private static final Map<String, HttpResponse<String>> ORIGIN = new LinkedHashMap<>();

    /** One unit: phase, code (the pair guard is added in front), failure policy, instruction budget (0: default). */
    record Unit(String phase, String code, String failure, long instructions) {
        static Unit open(String phase, String code) {
            return new Unit(phase, code, "open", 0);
        }

        static Unit closed(String phase, String code) {
            return new Unit(phase, code, "closed", 0);
        }
    }

    /** A row of the table: units, the request path (before {@code ?pair=n}) and the headers units set. */
    record Pair(String name, String path, List<Unit> units, List<String> headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Pair> PAIRS = List.of(
            // rewrite
            pair("rewrite: header then exit(404)", "/app", List.of("X-A"),
                    Unit.open("rewrite", "ngx.header['X-A'] = '1' return ngx.exit(404)")),
            pair("rewrite: redirect 301 with a header", "/app", List.of("X-A", "Location"),
                    Unit.open("rewrite", "ngx.header['X-A'] = '1' return ngx.redirect('http://a.example/x', 301)")),
            pair("rewrite: request header changed, response header added, proxied", "/app", List.of("X-R"),
                    Unit.open("rewrite", "ngx.req.set_header('X-Rewritten', '1') ngx.header['X-R'] = ngx.req.get_headers()['X-Rewritten']")),
            pair("rewrite: say answers locally", "/app", List.of(),
                    Unit.open("rewrite", "ngx.say('from rewrite ', ngx.var.arg_pair)")),
            pair("rewrite: ngx.status then exit(200)", "/app", List.of(),
                    Unit.open("rewrite", "ngx.status = 403 return ngx.exit(200)")),
            // access
            pair("access: exit(403)", "/app", List.of(),
                    Unit.open("access", "return ngx.exit(ngx.HTTP_FORBIDDEN)")),
            pair("access: header then exit(401)", "/app", List.of("WWW-Authenticate"),
                    Unit.open("access", "ngx.header['WWW-Authenticate'] = 'Bearer' return ngx.exit(401)")),
            pair("access: redirect", "/app", List.of("Location"),
                    Unit.open("access", "return ngx.redirect('/app?moved=1')")),
            pair("access: redirect 307 absolute", "/app", List.of("Location"),
                    Unit.open("access", "return ngx.redirect('https://cdn.example/app', 307)")),
            pair("access: status and say", "/app", List.of("X-Said"),
                    Unit.open("access", "ngx.status = 201 ngx.header['X-Said'] = 'yes' ngx.say('created')")),
            pair("access: exit(204)", "/app", List.of(),
                    Unit.open("access", "return ngx.exit(204)")),
            pair("access: exit(418), a status without a page", "/app", List.of(),
                    Unit.open("access", "return ngx.exit(418)")),
            pair("access: exit(ngx.ERROR)", "/app", List.of(),
                    Unit.open("access", "return ngx.exit(ngx.ERROR)")),
            pair("access: error, failure open", "/app", List.of("X-Before"),
                    Unit.open("access", "ngx.header['X-Before'] = '1' error('boom')")),
            pair("access: error, failure closed", "/app", List.of("X-Before"),
                    Unit.closed("access", "ngx.header['X-Before'] = '1' error('boom')")),
            pair("access: instruction budget exceeded, failure closed", "/app", List.of(),
                    new Unit("access", "while true do end", "closed", 100_000)),
            pair("access: exit(ngx.OK) ends only the unit", "/app", List.of("X-A", "X-Never"),
                    Unit.open("access", "ngx.header['X-A'] = '1' ngx.exit(ngx.OK) ngx.header['X-Never'] = '1'")),
            pair("access: no response yet, so ngx.status is 0 and response headers are nil", "/app",
                    List.of("X-Status-Seen", "X-Type-Seen"),
                    Unit.open("access", "ngx.header['X-Status-Seen'] = tostring(ngx.status) "
                            + "ngx.header['X-Type-Seen'] = tostring(ngx.header['Content-Type'])")),
            pair("access: say then exit(200)", "/app", List.of(),
                    Unit.open("access", "ngx.say('blocked') return ngx.exit(ngx.HTTP_OK)")),
            pair("access: Redis set and get", "/app", List.of("X-Redis"),
                    Unit.open("access", "local r = edge_computing.redis_client r:set('dr-" + NONCE + "', 'v" + NONCE
                            + "') ngx.header['X-Redis'] = r:get('dr-" + NONCE + "')")),
            // content
            pair("content: say with its own content type", "/app", List.of(),
                    Unit.open("content", "ngx.header['Content-Type'] = 'application/json' ngx.say('{\"pair\":', ngx.var.arg_pair, '}')")),
            pair("content: exit(403)", "/app", List.of(),
                    Unit.open("content", "return ngx.exit(403)")),
            pair("content: writes nothing, so it answers an empty 200 as content_by_lua does", "/app", List.of("X-Content"),
                    Unit.open("content", "ngx.header['X-Content'] = 'quiet'")),
            pair("content: two units add to one body", "/app", List.of(),
                    Unit.open("content", "ngx.say('one')"), Unit.open("content", "ngx.print('two')")),
            pair("content: error, failure closed", "/app", List.of(),
                    Unit.closed("content", "local t = nil return t.x")),
            pair("content: error after say, failure open", "/app", List.of(),
                    Unit.open("content", "ngx.say('partial') error('late')")),
            // header_filter
            pair("header_filter: reads the upstream status", "/app", List.of("X-S"),
                    Unit.open("header_filter", "ngx.header['X-S'] = ngx.status")),
            pair("header_filter: sets the status", "/app", List.of(),
                    Unit.open("header_filter", "ngx.status = 404")),
            pair("header_filter: exit(410) replaces the response", "/app", List.of(),
                    Unit.open("header_filter", "return ngx.exit(410)")),
            pair("header_filter: error, failure closed", "/app", List.of(),
                    Unit.closed("header_filter", "error('hf')")),
            pair("header_filter: error, failure open keeps earlier changes", "/app", List.of("X-Before"),
                    Unit.open("header_filter", "ngx.header['X-Before'] = '1' error('hf')")),
            pair("header_filter: sees the local answer of access", "/app", List.of("X-S", "X-CT"),
                    Unit.open("access", "return ngx.exit(403)"),
                    Unit.open("header_filter", "ngx.header['X-S'] = ngx.status ngx.header['X-CT'] = ngx.header['Content-Type']")),
            pair("header_filter: removes Content-Type", "/app", List.of(),
                    Unit.open("header_filter", "ngx.header['Content-Type'] = nil")),
            pair("header_filter: on the origin's 404", "/app/missing", List.of("X-S"),
                    Unit.open("header_filter", "ngx.header['X-S'] = ngx.status")),
            // body_filter
            pair("body_filter: upper case", "/app", List.of(),
                    Unit.open("body_filter", "ngx.arg[1] = string.upper(ngx.arg[1])")),
            pair("body_filter: appends at eof", "/app", List.of(),
                    Unit.open("body_filter", "if ngx.arg[2] then ngx.arg[1] = ngx.arg[1] .. '<!-- nott -->' end")),
            pair("body_filter: on the page of an exit", "/app", List.of(),
                    Unit.open("access", "return ngx.exit(403)"),
                    Unit.open("body_filter", "ngx.arg[1] = string.upper(ngx.arg[1])")),
            pair("body_filter: error, failure closed", "/app", List.of(),
                    Unit.closed("body_filter", "error('bf')")),
            pair("body_filter: replaces the whole body", "/app/missing", List.of(),
                    Unit.open("body_filter", "if ngx.arg[2] then ngx.arg[1] = 'END' else ngx.arg[1] = '' end")),
            // log
            pair("log: logs, the response is the access unit's", "/app", List.of("X-A"),
                    Unit.open("access", "ngx.header['X-A'] = 'a'"),
                    Unit.open("log", "ngx.log(ngx.ERR, 'status ', ngx.status)")),
            pair("log: error, failure closed changes nothing", "/app", List.of(),
                    Unit.closed("log", "error('log')")));

    private static Pair pair(String name, String path, List<String> headers, Unit... units) {
        return new Pair(name, path, List.of(units), headers);
    }

    static Stream<Pair> pairs() {
        return PAIRS.stream();
    }

    private static String target(int index) {
        Pair p = PAIRS.get(index);
        return p.path() + "?pair=" + index;
    }

    @BeforeAll
    static void shipEveryUnitOnce() throws Exception {
        platform = LocalPlatform.up("-dryrun");
        for (int i = 0; i < PAIRS.size(); i++) {
            ORIGIN.put(target(i), get(platform.edge() + target(i)));
        }
        long version = 0;
        for (int i = 0; i < PAIRS.size(); i++) {
            List<Unit> units = PAIRS.get(i).units();
            for (int u = 0; u < units.size(); u++) {
                version = putUnit(String.format(Locale.ROOT, "dr-%02d-%d", i, u), i, u, units.get(u));
            }
        }
        awaitEdgeApplied(version);
        warmUpRedis();
    }

    /**
     * The edge's first Redis call (a fresh virtual-thread runtime, the cluster client's first
     * command) can exceed a unit's wall-clock budget on a loaded machine and fail open, which the
     * dry run's in-memory store cannot reproduce. Redis pairs are idempotent, so they are asked
     * until the edge answers them once with their header; that is what the table then compares.
     */
    private static void warmUpRedis() throws Exception {
        for (int i = 0; i < PAIRS.size(); i++) {
            Pair pair = PAIRS.get(i);
            if (pair.units().stream().noneMatch(u -> u.code().contains("redis_client"))) {
                continue;
            }
            long deadline = System.nanoTime() + APPLIED.toNanos();
            while (get(platform.edge() + target(i)).headers().firstValue(pair.headers().get(0)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the edge never answered " + pair + " with " + pair.headers().get(0)
                            + " within " + APPLIED + "; see its log for the unit's outcome");
                }
                Thread.sleep(250);
            }
        }
    }

    @AfterAll
    static void stopThePlatform() {
        if (platform != null) {
            platform.close();
            assertThat(platform.ports()).as("ports still listening after ./platform down").allMatch(FreePorts::isFree);
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("pairs")
    void theDryRunAnswersWhatTheEdgeAnswers(Pair pair) throws Exception {
        int index = PAIRS.indexOf(pair);
        Map<String, Object> dry = dryRun(target(index), ORIGIN.get(target(index)));
        if (((Number) dry.get("status")).intValue() == ErrorPages.CLOSE) {
            // nginx's "no answer" (ngx.exit(ngx.ERROR), a failing header_filter): the dry run says
            // 444, the edge closes the connection.
            assertThatThrownBy(() -> get(platform.edge() + target(index))).as("the edge closes the connection")
                    .isInstanceOf(IOException.class);
            return;
        }
        HttpResponse<String> edge = get(platform.edge() + target(index));

        assertThat(((Number) dry.get("status")).intValue()).as("status").isEqualTo(edge.statusCode());
        assertThat(dry.get("body")).as("body").isEqualTo(edge.body());
        @SuppressWarnings("unchecked")
        Map<String, List<String>> dryHeaders = (Map<String, List<String>>) dry.get("headers");
        List<String> compared = new ArrayList<>(pair.headers());
        compared.add("Content-Type");
        for (String name : compared) {
            assertThat(header(dryHeaders, name)).as("header " + name)
                    .isEqualTo(edge.headers().allValues(name));
        }
    }

    private static List<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    private static long putUnit(String id, int pair, int index, Unit unit) throws Exception {
        String guarded = "if ngx.var.arg_pair ~= '" + pair + "' then return end\n" + unit.code();
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("wallMillis", 1000); // generous: a loaded machine must not turn a pair into a timeout
        if (unit.instructions() > 0) {
            budget.put("instructions", unit.instructions());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("phase", unit.phase());
        body.put("code", guarded);
        body.put("failure", unit.failure());
        body.put("order", index);
        body.put("budget", budget);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/units/" + id))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        assertThat(r.statusCode()).as("PUT %s: %s", id, r.body()).isIn(200, 201);
        return ((Number) json(send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/units")).GET()))
                .get("version")).longValue();
    }

    /** Waits until the edge's heartbeat reports the registry's version as applied. */
    private static void awaitEdgeApplied(long version) throws Exception {
        long deadline = System.nanoTime() + APPLIED.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            Map<String, Object> fleet = json(send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/edges")).GET()));
            last = fleet;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> edges = (List<Map<String, Object>>) fleet.get("edges");
            if (edges.stream().anyMatch(e -> e.get("appliedVersion") instanceof Number n && n.longValue() >= version)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the edge did not apply version " + version + " within " + APPLIED + "; fleet: " + last);
    }

    private static Map<String, Object> dryRun(String target, HttpResponse<String> origin) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", "GET");
        request.put("uri", target);
        request.put("headers", Map.of("Host", "127.0.0.1"));
        request.put("clientAddress", "127.0.0.1");
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", origin.statusCode());
        origin.headers().firstValue("Content-Type").ifPresent(ct -> response.put("headers", Map.of("Content-Type", ct)));
        response.put("body", origin.body());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chain", true);
        body.put("request", request);
        body.put("response", response);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/units/test"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        assertThat(r.statusCode()).as("dry run: %s", r.body()).isEqualTo(200);
        return json(r);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) {
        return (Map<String, Object>) Json.parse(r.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.header("Authorization", "Bearer " + platform.registryToken())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
