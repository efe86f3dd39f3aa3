package io.nott.unit.runtime;

import java.util.List;
import java.util.Map;

/**
 * The response a request is about to send, as units read it from header_filter on
 * ({@code ngx.status}, {@code ngx.header.x}, {@code ngx.var.status}, {@code ngx.var.sent_http_x}):
 * the upstream's, or the local answer of an exit, a redirect or {@code ngx.say}. Set on the
 * {@link RequestState} by the request pipeline; when absent, units read the exchange's upstream
 * response as before.
 */
public interface ResponseHead {

    /** The status that will be sent. */
    int status();

    /** A response header, case-insensitive name; null when absent. */
    String header(String name);

    /** Every response header with its name as sent, repeated names once per value ({@code ngx.resp.get_headers}). */
    default List<Map.Entry<String, String>> allHeaders() {
        return List.of();
    }
}
