package io.nott.unit.pipeline;

import io.nott.unit.runtime.ResponseHead;
import java.util.List;

/**
 * The response the host is about to send, as the pipeline changes it after header_filter: the
 * edge's adapter wraps its proxy response, the dry run an in-memory {@link BufferedResponse}.
 */
public interface HostResponse extends ResponseHead {

    void status(int status);

    /** Replaces every value of a header. */
    void setHeader(String name, List<String> values);

    void removeHeader(String name);

    /**
     * Replaces the body and its {@code Content-Type} (null removes it), as nginx does when a
     * header_filter unit calls {@code ngx.exit(status)}: the rest of the upstream body is dropped.
     */
    void replaceBody(String contentType, byte[] body);
}
