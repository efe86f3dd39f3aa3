package io.nott.edge.units.run;

import io.nott.edge.cache.CacheStatus;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.proxy.ResponseBody;
import io.nott.unit.pipeline.HostResponse;
import io.nott.edge.upstream.UpstreamTiming;
import io.nott.unit.runtime.HttpExchange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The request as units see it, built lazily over the live Vert.x request: nothing is copied
 * unless a unit asks for it. Request header changes go straight into the request's headers,
 * which is what the upstream request (and the cache key) is built from. Also the response the
 * pipeline changes after header_filter, so one object per request serves both.
 */
final class EdgeExchange implements HttpExchange, HostResponse {

    private final ProxyContext context;
    private final HttpServerRequest request;
    private final UnitHeaderGuard requestHeaders;
    private final UnitHeaderGuard responseHeaders;
    private ProxyResponse response;
    private String balancedGroup;
    private Predicate<String> allowedPeers;

    EdgeExchange(ProxyContext context, UnitOutputLimits limits) {
        this.context = context;
        this.request = context.request();
        this.requestHeaders = new UnitHeaderGuard(limits);
        this.responseHeaders = new UnitHeaderGuard(limits);
    }

    /** Why units' request headers passed the limits (the request then ends in a 500), or null. */
    String requestHeadersOverflow() {
        return requestHeaders.overflow();
    }

    /** Why units' response headers passed the limits (the response is then replaced by a 500), or null. */
    String responseHeadersOverflow() {
        return responseHeaders.overflow();
    }

    private byte[] requestBody;

    /** The request body the interceptor read before the request phases (units that read bodies). */
    void requestBody(byte[] value) {
        this.requestBody = value;
    }

    @Override
    public byte[] requestBody() {
        return requestBody;
    }

    /** The upstream attempt being balanced: its group and which peers it may connect to; nulls after. */
    void balancing(String group, Predicate<String> allowed) {
        this.balancedGroup = group;
        this.allowedPeers = allowed;
    }

    @Override
    public String upstreamProblem(String name) {
        if (context.upstreamNames().contains(name)) {
            return null;
        }
        return "ngx.var.upstream: no upstream group '" + name + "' on this edge; known: "
                + String.join(", ", context.upstreamNames()) + " (an operator adds one as edge.upstreams." + name
                + ".servers)";
    }

    @Override
    public String peerProblem(String host, int port) {
        String peer = host + ":" + port;
        if (allowedPeers == null) {
            return "peer " + peer + " refused: no upstream attempt is being balanced";
        }
        return allowedPeers.test(peer) ? null : "peer " + peer + " is not allow-listed for upstream group "
                + balancedGroup + "; the edge connects only to edge.upstreams." + balancedGroup
                + ".servers and .allowed-peers";
    }

    /** The response header_filter/body_filter/log see. */
    void response(ProxyResponse value) {
        this.response = value;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String scheme() {
        return request.scheme() == null ? "http" : request.scheme();
    }

    @Override
    public String host() {
        return context.host();
    }

    @Override
    public String uri() {
        return context.uri().path(); // nginx's $uri: decoded and normalised
    }

    @Override
    public String rawQuery() {
        return request.query();
    }

    @Override
    public String requestHeader(String name) {
        return request.getHeader(name);
    }

    /** Without copying every header (the default's way): only a repeated header builds a string. */
    @Override
    public String requestHeaderJoined(String name, String separator) {
        String first = request.getHeader(name);
        if (first == null) {
            return null;
        }
        StringBuilder joined = null;
        int n = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            if (header.getKey().equalsIgnoreCase(name) && ++n >= 2) {
                if (joined == null) {
                    joined = new StringBuilder(first);
                }
                joined.append(separator).append(header.getValue());
            }
        }
        return joined == null ? first : joined.toString();
    }

    @Override
    public List<Map.Entry<String, String>> requestHeaders() {
        List<Map.Entry<String, String>> all = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            all.add(Map.entry(header.getKey(), header.getValue()));
        }
        return all;
    }

    @Override
    public List<Map.Entry<String, String>> responseHeaders() {
        return response == null ? List.of() : allHeaders();
    }

    @Override
    public List<Map.Entry<String, String>> allHeaders() {
        List<Map.Entry<String, String>> all = new ArrayList<>();
        for (Map.Entry<String, String> header : response.headers()) {
            all.add(Map.entry(header.getKey(), header.getValue()));
        }
        return all;
    }

    @Override
    public String remoteAddress() {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? "" : remote.hostAddress();
    }

    @Override
    public String variable(String name) {
        return switch (name) {
            case "status" -> context.status() > 0 ? Integer.toString(context.status())
                    : response != null ? Integer.toString(response.status()) : null;
            case "request_time" -> seconds(System.nanoTime() - context.startNanos());
            case "upstream_response_time" -> upstreamResponseTime(upstream());
            case "upstream_header_time" -> upstream() == null ? null : secondsOrNil(upstream().headerNanos());
            case "upstream_connect_time" -> upstream() == null ? null : secondsOrNil(upstream().connectNanos());
            case "upstream_cache_status" -> cacheStatus() == null ? null : cacheStatus().name();
            case "upstream_addr" -> upstream() == null ? null : upstream().address();
            case "upstream_status" -> upstream() == null || upstream().status() <= 0 ? null : Integer.toString(upstream().status());
            case "tcpinfo_rtt" -> TcpInfo.rttMicros(request);
            case "body_bytes_sent" -> Long.toString(context.bodyBytesSent());
            case "server_name" -> context.host();
            case "remote_port" -> request.remoteAddress() == null ? null : Integer.toString(request.remoteAddress().port());
            case "server_port" -> request.localAddress() == null ? null : Integer.toString(request.localAddress().port());
            case "server_addr" -> request.localAddress() == null ? null : request.localAddress().hostAddress();
            case "server_protocol" -> switch (request.version()) {
                case HTTP_1_0 -> "HTTP/1.0";
                case HTTP_1_1 -> "HTTP/1.1";
                case HTTP_2 -> "HTTP/2.0";
            };
            case "route" -> context.origin().name();
            case "upstream" -> context.origin().upstreamName();
            case "request_uri" -> request.uri(); // the client's, raw: never rewritten by units
            default -> null;
        };
    }

    @Override
    public void setRequestHeader(String name, List<String> values) {
        // The upstream request's framing follows the body the client really sent.
        if (!UnitHeaderGuard.edgeOwned(name) && requestHeaders.admit(name, values)) {
            request.headers().set(name, values);
        }
    }

    @Override
    public void clearRequestHeader(String name) {
        if (!UnitHeaderGuard.edgeOwned(name)) {
            request.headers().remove(name);
        }
    }

    // ---- HostResponse: the response about to be sent -----------------------------------------

    @Override
    public int status() {
        return response.status();
    }

    @Override
    public String header(String name) {
        return response.headers().get(name);
    }

    @Override
    public void status(int status) {
        response.status(status);
    }

    @Override
    public void setHeader(String name, List<String> values) {
        // The writer frames the body it sends; a unit's Content-Length or Transfer-Encoding would lie about it.
        // A Content-Length that tells the truth about a body of known length is kept, as nginx sends it.
        boolean truthfulLength = name.equalsIgnoreCase("Content-Length") && values.size() == 1
                && values.get(0).equals(Long.toString(knownBodyLength()));
        if ((truthfulLength || !UnitHeaderGuard.edgeOwned(name)) && responseHeaders.admit(name, values)) {
            response.mutableHeaders().set(name, values);
        }
    }

    /** The length of the body about to be sent, or -1 while it is unknown (streamed without a length). */
    private long knownBodyLength() {
        return switch (response.body()) {
            case ResponseBody.Full full -> full.buffer().length();
            case ResponseBody.Streamed streamed -> streamed.contentLength();
        };
    }

    @Override
    public void removeHeader(String name) {
        // Dropping Content-Length is OpenResty's idiom before a body_filter changes the length: the body goes chunked.
        if (name.equalsIgnoreCase("Content-Length") || !UnitHeaderGuard.edgeOwned(name)) {
            response.mutableHeaders().remove(name);
        }
    }

    @Override
    public void replaceBody(String contentType, byte[] body) {
        if (response.body() instanceof ResponseBody.Streamed streamed) {
            streamed.abort().run(); // the upstream's body is not sent: free its connection
        }
        response.body(new ResponseBody.Full(Buffer.buffer(body)));
        if (contentType == null) {
            response.mutableHeaders().remove(HttpHeaders.CONTENT_TYPE);
        } else {
            response.mutableHeaders().set(HttpHeaders.CONTENT_TYPE, contentType);
        }
        response.mutableHeaders().set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length));
    }

    /** What the upstream step measured; null on a cache hit or a local answer (nginx's empty variables). */
    private UpstreamTiming upstream() {
        return context.get(UpstreamTiming.class);
    }

    private CacheStatus cacheStatus() {
        return context.get(CacheStatus.class);
    }

    /** Last body byte; "-" while the body is still coming (header_filter), as nginx prints it. */
    private static String upstreamResponseTime(UpstreamTiming timing) {
        if (timing == null) {
            return null;
        }
        // nginx prints "-" until the upstream response is complete (e.g. in header_filter).
        return timing.responseNanos() >= 0 ? seconds(timing.responseNanos()) : "-";
    }

    private static String secondsOrNil(long nanos) {
        return nanos < 0 ? null : seconds(nanos);
    }

    /** nginx's format: seconds with millisecond resolution, e.g. {@code 0.002}. */
    static String seconds(long nanos) {
        long millis = Math.max(0, nanos) / 1_000_000;
        long whole = millis / 1000;
        long frac = millis % 1000;
        return whole + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }
}
