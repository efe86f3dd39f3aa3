package io.nott.unit.runtime;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * What units leave behind for one request, shared by all its phases: {@code ngx.ctx}, the
 * response status and header changes, the body written by {@code ngx.say}/{@code ngx.print} and
 * the lines logged by {@code ngx.log}. One instance per request; not for concurrent use (phases of
 * a request run one after the other, possibly on different threads).
 */
public final class RequestState {

    /** A change units made to one response header: new values, or removal when {@code values} is empty. */
    public record HeaderChange(String name, List<String> values) {

        public boolean removed() {
            return values.isEmpty();
        }
    }

    /** One {@code ngx.log}/{@code print} line. */
    public record LogLine(String unitId, int level, String message) {

        /** nginx's level name: {@code error}, {@code warn}, {@code notice}, {@code info}, {@code debug}, ... */
        public String levelName() {
            return switch (level) {
                case 0 -> "stderr";
                case 1 -> "emerg";
                case 2 -> "alert";
                case 3 -> "crit";
                case 4 -> "error";
                case 5 -> "warn";
                case 6 -> "notice";
                case 7 -> "info";
                default -> "debug";
            };
        }
    }

    static final int MAX_LOG_LINES = 200;
    static final int MAX_LOG_LINE_CHARS = 4096;

    /**
     * Units' header changes in the order they made them (a later change of a header moves it to
     * the end), with their lower-case names in {@link #headerKeys}: while there are few, two small
     * arrays searched linearly rather than a LinkedHashMap, whose map, entry and table cost about
     * 180 bytes on the first {@code ngx.header} write of every request (a request sets a handful).
     * Past {@link #FEW_HEADERS} they move to {@link #manyHeaders}, so a unit that sets thousands
     * (a flood the host refuses after the phase) costs a map operation per write, not a scan.
     */
    private HeaderChange[] headerChanges;
    private String[] headerKeys;
    private int headerCount;
    private LinkedHashMap<String, HeaderChange> manyHeaders;
    static final int FEW_HEADERS = 16;
    // Created on first use: most requests never log, write a body or set a variable.
    private Map<String, String> variables;
    private List<LogLine> logs;
    private ByteArrayOutputStream body;
    private int droppedLogLines;
    private int status;
    private boolean bodyWritten;
    private LuaValue ctx;
    private ResponseHead response;

    /** The status set by {@code ngx.status = n}, {@code ngx.exit} or {@code ngx.redirect}; 0 when untouched. */
    public int status() {
        return status;
    }

    public void setStatus(int status) {
        this.status = status;
    }

    /** Response header changes in the order units made them; the host applies them to the response. */
    public List<HeaderChange> headerChanges() {
        if (manyHeaders != null) {
            return List.copyOf(manyHeaders.values());
        }
        return headerCount == 0 ? List.of() : List.of(Arrays.copyOf(headerChanges, headerCount));
    }

    /** The change for one header (case-insensitive), or null. */
    public HeaderChange headerChange(String name) {
        if (manyHeaders != null) {
            return manyHeaders.get(name.toLowerCase(Locale.ROOT));
        }
        int i = headerIndex(name);
        return i < 0 ? null : headerChanges[i];
    }

    /** Where the change of header {@code name} (any case) is, or -1; no lower-case copy for a name already in lower case. */
    private int headerIndex(String name) {
        if (headerCount == 0) {
            return -1;
        }
        int at = indexOfKey(name);
        return at >= 0 || isLowerAscii(name) ? at : indexOfKey(name.toLowerCase(Locale.ROOT));
    }

    /** True when {@code toLowerCase(Locale.ROOT)} would return {@code s} itself. */
    private static boolean isLowerAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return true;
    }

    void changeHeader(String name, List<String> values) {
        changeHeader(name, name.toLowerCase(Locale.ROOT), values);
    }

    /** @param key {@code name} in lower case (callers that see a name often compute it once) */
    void changeHeader(String name, String key, List<String> values) {
        HeaderChange change = new HeaderChange(name, List.copyOf(values)); // no copy when already unmodifiable
        if (manyHeaders == null && headerCount == FEW_HEADERS && indexOfKey(key) < 0) {
            manyHeaders = new LinkedHashMap<>(4 * FEW_HEADERS);
            for (int i = 0; i < headerCount; i++) {
                manyHeaders.put(headerKeys[i], headerChanges[i]);
            }
            headerChanges = null;
            headerKeys = null;
            headerCount = 0;
        }
        if (manyHeaders != null) {
            manyHeaders.remove(key);
            manyHeaders.put(key, change);
            return;
        }
        int at = indexOfKey(key);
        if (at >= 0) {
            // as a map's remove and put: the header moves to the end of the order
            System.arraycopy(headerChanges, at + 1, headerChanges, at, headerCount - at - 1);
            System.arraycopy(headerKeys, at + 1, headerKeys, at, headerCount - at - 1);
            headerCount--;
        } else if (headerChanges == null) {
            headerChanges = new HeaderChange[2]; // most units change one or two headers
            headerKeys = new String[2];
        } else if (headerCount == headerChanges.length) {
            headerChanges = Arrays.copyOf(headerChanges, headerCount * 2);
            headerKeys = Arrays.copyOf(headerKeys, headerCount * 2);
        }
        headerChanges[headerCount] = change;
        headerKeys[headerCount] = key;
        headerCount++;
    }

    /** Where the change stored under the lower-case {@code key} is, or -1. */
    private int indexOfKey(String key) {
        for (int i = 0; i < headerCount; i++) {
            if (headerKeys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The body written by {@code ngx.say}/{@code ngx.print}. */
    public byte[] body() {
        return body == null ? new byte[0] : body.toByteArray();
    }

    private boolean eofSent;

    /** True once {@code ngx.eof()} ended the body: later output is refused. */
    public boolean eofSent() {
        return eofSent;
    }

    void markEof() {
        eofSent = true;
    }

    /** True once a unit wrote a body (even an empty one). */
    public boolean bodyWritten() {
        return bodyWritten;
    }

    int bodySize() {
        return body == null ? 0 : body.size();
    }

    /**
     * Where each {@code ngx.say}/{@code ngx.print} call's output ends in {@link #body()}: nginx
     * passes every call's output through the body filters as its own chunk.
     */
    public List<Integer> bodyChunkEnds() {
        return chunkEnds == null ? List.of() : List.copyOf(chunkEnds);
    }

    private List<Integer> chunkEnds;

    void appendBody(byte[] bytes, int off, int len) {
        bodyWritten = true;
        if (len > 0) {
            if (chunkEnds == null) {
                chunkEnds = new java.util.ArrayList<>();
            }
            chunkEnds.add(bodySize() + len);
        }
        if (body == null) {
            body = new ByteArrayOutputStream(Math.max(64, len));
        }
        body.write(bytes, off, len);
    }

    /** Lines logged by units, at most {@value #MAX_LOG_LINES}. */
    public List<LogLine> logs() {
        return logs == null ? List.of() : Collections.unmodifiableList(logs);
    }

    /** Log lines refused once {@value #MAX_LOG_LINES} were kept. */
    public int droppedLogLines() {
        return droppedLogLines;
    }

    void log(String unitId, int level, String message) {
        if (logs == null) {
            logs = new ArrayList<>();
        }
        if (logs.size() >= MAX_LOG_LINES) {
            droppedLogLines++;
            return;
        }
        String m = message.length() > MAX_LOG_LINE_CHARS ? message.substring(0, MAX_LOG_LINE_CHARS) + "..." : message;
        logs.add(new LogLine(unitId, level, m));
    }

    /** Variables assigned with {@code ngx.var.name = value} (visible to later units of this request). */
    public Map<String, String> variables() {
        return variables == null ? Map.of() : Collections.unmodifiableMap(variables);
    }

    String variable(String name) {
        return variables == null ? null : variables.get(name);
    }

    /** True once units assigned {@code name}, nil included (nil empties it: it then reads as nil). */
    boolean assigned(String name) {
        return variables != null && variables.containsKey(name);
    }

    void setVariable(String name, String value) {
        if (variables == null) {
            variables = new HashMap<>();
        }
        variables.put(name, value);
    }

    // ---- the request as units rewrote it (ngx.req.set_uri, set_method, set_uri_args, ngx.var.args)

    private String method;
    private String uri;
    private boolean jumped;

    /** The method set by {@code ngx.req.set_method}, or null when units left the client's. */
    public String method() {
        return method;
    }

    void setMethod(String value) {
        method = value;
    }

    /**
     * The path set by {@code ngx.req.set_uri} (nginx's new {@code $uri}, not escaped), or null
     * when units left the client's. The host forwards it re-escaped, with {@link #args()}.
     */
    public String uri() {
        return uri;
    }

    /**
     * True once a rewrite unit called {@code ngx.req.set_uri(uri, true)}: nginx re-matches
     * locations by the new {@code $uri}; the host re-selects its route by it.
     */
    public boolean jumped() {
        return jumped;
    }

    /**
     * True once per {@code set_uri(uri, true)}: the pipeline then runs the rewrite phase again,
     * as nginx re-runs it for the location the new {@code $uri} matches.
     */
    public boolean takeJump() {
        boolean pending = jumpPending;
        jumpPending = false;
        return pending;
    }

    private boolean jumpPending;

    void setUri(String value, boolean jump) {
        uri = value;
        jumped |= jump;
        jumpPending |= jump;
        if (jump) {
            ctx = null; // lua-nginx-module starts the re-run rewrite phase with a fresh ngx.ctx
        }
    }

    /** True when units changed {@code $args} ({@code ngx.req.set_uri_args}, {@code ngx.var.args = v}). */
    public boolean argsChanged() {
        return assigned("args");
    }

    /** {@code $args} as units set it ({@code ""} drops the query); meaningful when {@link #argsChanged()}. */
    public String args() {
        return variable("args");
    }

    /**
     * Makes {@code response} what later phases read as the response (header_filter on). The
     * request pipeline calls this before header_filter, with the upstream's or the local answer.
     */
    public void response(ResponseHead value) {
        this.response = value;
    }

    /** The status units read: {@code ngx.status} as set, else the response's, else the upstream's. */
    int responseStatus(HttpExchange exchange) {
        if (status > 0) {
            return status;
        }
        return response != null ? response.status() : exchange.upstreamStatus();
    }

    /** A response header as units read it before their own changes: the response's, else the upstream's. */
    String responseHeader(HttpExchange exchange, String name) {
        return response != null ? response.header(name) : exchange.responseHeader(name);
    }

    /**
     * The response headers as units read them with {@code ngx.resp.get_headers}: the response's
     * (else the upstream's, else none yet), then units' own changes in the order they made them.
     */
    List<Map.Entry<String, String>> responseHeaders(HttpExchange exchange) {
        List<Map.Entry<String, String>> base = response != null ? response.allHeaders() : exchange.responseHeaders();
        if (headerCount == 0 && manyHeaders == null) {
            return base;
        }
        List<Map.Entry<String, String>> all = new ArrayList<>();
        for (Map.Entry<String, String> e : base) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (manyHeaders != null ? !manyHeaders.containsKey(key) : indexOfKey(key) < 0) {
                all.add(e);
            }
        }
        for (HeaderChange change : headerChanges()) {
            for (String value : change.values()) {
                all.add(Map.entry(change.name(), value));
            }
        }
        return all;
    }

    private BalancerAttempt balancer;

    /** The upstream attempt the balancer phase is choosing a peer for, or null outside it. */
    public BalancerAttempt balancer() {
        return balancer;
    }

    public void balancer(BalancerAttempt value) {
        this.balancer = value;
    }

    LuaValue ctx() {
        if (ctx == null) {
            ctx = new LuaTable();
        }
        return ctx;
    }

    void setCtx(LuaValue value) {
        ctx = value;
    }

    // ---- the request body (ngx.req.read_body, set_body_data, discard_body, init/append/finish_body)

    private boolean requestBodyRead;
    private boolean requestBodyDiscarded;
    private boolean requestBodyChanged;
    private byte[] requestBody;
    private ByteArrayOutputStream requestBodyInProgress;

    boolean requestBodyRead() {
        return requestBodyRead;
    }

    /** True once a unit called {@code ngx.req.discard_body} before reading it: nothing goes upstream. */
    public boolean requestBodyDiscarded() {
        return requestBodyDiscarded;
    }

    void readRequestBody(byte[] body) {
        requestBodyRead = true;
        requestBody = body;
    }

    void discardRequestBody() {
        requestBodyDiscarded = true;
        requestBody = null;
    }

    /** The body as units see it now: the client's once read, or the one they set; null when none. */
    byte[] currentRequestBody() {
        settleAppends();
        return requestBodyRead ? requestBody : null;
    }

    void replaceRequestBody(byte[] body) {
        appendPending = false;
        requestBody = body;
        requestBodyChanged = true;
        requestBodyInProgress = null;
    }

    /** append_body: the body so far is what later reads and the upstream see, even without finish_body. */
    void appendedRequestBody() {
        requestBodyChanged = true;
        appendPending = true;
    }

    /** True while appended bytes are only in the builder (copied out on the next read, not per append). */
    private boolean appendPending;

    private void settleAppends() {
        if (appendPending) {
            requestBody = requestBodyInProgress.toByteArray();
            appendPending = false;
        }
    }

    void startRequestBody() {
        requestBodyInProgress = new ByteArrayOutputStream();
    }

    ByteArrayOutputStream requestBodyInProgress() {
        return requestBodyInProgress;
    }

    void finishRequestBody() {
        replaceRequestBody(requestBodyInProgress.toByteArray());
    }

    /**
     * True when units replaced the request body ({@code set_body_data}, {@code finish_body}) or
     * discarded it: the host forwards {@link #requestBody()} (empty when discarded) with its
     * Content-Length instead of the client's body.
     */
    public boolean requestBodyChanged() {
        return requestBodyChanged || requestBodyDiscarded;
    }

    /** The body units set (empty when they discarded it); meaningful when {@link #requestBodyChanged()}. */
    public byte[] requestBody() {
        settleAppends();
        return requestBody == null ? new byte[0] : requestBody;
    }
}
