package io.nott.unit.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A response held in memory, for hosts without streaming (the dry run, tests). Header names keep their case; lookups ignore it. */
public final class BufferedResponse implements HostResponse {

    private int status;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body;

    public BufferedResponse(int status, Map<String, List<String>> headers, byte[] body) {
        this.status = status;
        headers.forEach((name, values) -> this.headers.put(name, List.copyOf(values)));
        this.body = body;
    }

    /** A local answer as a response, with its {@code Content-Type}. */
    public static BufferedResponse of(LocalAnswer answer) {
        BufferedResponse r = new BufferedResponse(answer.status(), Map.of(), answer.body());
        if (answer.contentType() != null) {
            r.setHeader("Content-Type", List.of(answer.contentType()));
        }
        return r;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public void status(int value) {
        this.status = value;
    }

    @Override
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    @Override
    public List<Map.Entry<String, String>> allHeaders() {
        List<Map.Entry<String, String>> all = new java.util.ArrayList<>();
        headers.forEach((name, values) -> values.forEach(v -> all.add(Map.entry(name, v))));
        return all;
    }

    /** All headers in order, original names. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public void setHeader(String name, List<String> values) {
        removeHeader(name);
        headers.put(name, List.copyOf(values));
    }

    @Override
    public void removeHeader(String name) {
        headers.keySet().removeIf(n -> n.equalsIgnoreCase(name));
    }

    @Override
    public void replaceBody(String contentType, byte[] newBody) {
        body = newBody;
        if (contentType == null) {
            removeHeader("Content-Type");
        } else {
            setHeader("Content-Type", List.of(contentType));
        }
    }

    public byte[] body() {
        return body;
    }

    public void body(byte[] value) {
        body = value;
    }
}
