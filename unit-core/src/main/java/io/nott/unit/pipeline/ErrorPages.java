package io.nott.unit.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What nginx 1.22 + lua-nginx-module send for {@code ngx.exit(status)} with no body written
 * (measured against Debian's nginx-light and libnginx-mod-http-lua, {@code server_tokens off}):
 * <ul>
 *   <li>2xx: an empty body with {@code ngx.status} if a unit set it, else the exit status;
 *       {@code text/plain} (nginx's {@code default_type}) except for 204;</li>
 *   <li>statuses nginx has a page for (301-308, most 4xx, 5xx): its HTML page, {@code text/html};
 *       494-497 become 400 with their own title, as nginx does;</li>
 *   <li>444 and 499: {@link #CLOSE}, the connection is closed without a response;</li>
 *   <li>any other status (1xx, 300, 304, 418, 599...): an empty body without {@code Content-Type}
 *       (nginx closes the connection for 1xx and 408; those still get an empty answer here).</li>
 * </ul>
 */
public final class ErrorPages {

    private static final byte[] EMPTY = new byte[0];

    /**
     * The status of an answer that is no answer: nginx closes the connection without a response
     * for {@code ngx.exit(444)}, {@code ngx.exit(499)}, {@code ngx.exit(ngx.ERROR)} and a Lua
     * error once the headers are out; hosts close the connection when they see it.
     */
    public static final int CLOSE = io.nott.unit.runtime.PhaseRunner.CLOSE;

    /** nginx's {@code ngx_http_error_pages}: status → title (with the status nginx actually sends). */
    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(301, "301 Moved Permanently"), Map.entry(302, "302 Found"), Map.entry(303, "303 See Other"),
            Map.entry(307, "307 Temporary Redirect"), Map.entry(308, "308 Permanent Redirect"),
            Map.entry(400, "400 Bad Request"), Map.entry(401, "401 Authorization Required"),
            Map.entry(402, "402 Payment Required"), Map.entry(403, "403 Forbidden"), Map.entry(404, "404 Not Found"),
            Map.entry(405, "405 Not Allowed"), Map.entry(406, "406 Not Acceptable"), Map.entry(409, "409 Conflict"),
            Map.entry(410, "410 Gone"), Map.entry(411, "411 Length Required"),
            Map.entry(412, "412 Precondition Failed"), Map.entry(413, "413 Request Entity Too Large"),
            Map.entry(414, "414 Request-URI Too Large"), Map.entry(415, "415 Unsupported Media Type"),
            Map.entry(416, "416 Requested Range Not Satisfiable"), Map.entry(421, "421 Misdirected Request"),
            Map.entry(429, "429 Too Many Requests"), Map.entry(494, "400 Request Header Or Cookie Too Large"),
            Map.entry(495, "400 The SSL certificate error"), Map.entry(496, "400 No required SSL certificate was sent"),
            Map.entry(497, "400 The plain HTTP request was sent to HTTPS port"),
            Map.entry(500, "500 Internal Server Error"), Map.entry(501, "501 Not Implemented"),
            Map.entry(502, "502 Bad Gateway"), Map.entry(503, "503 Service Temporarily Unavailable"),
            Map.entry(504, "504 Gateway Time-out"), Map.entry(505, "505 HTTP Version Not Supported"),
            Map.entry(507, "507 Insufficient Storage"));

    private ErrorPages() {
    }

    /**
     * The answer to {@code ngx.exit(status)} (or a redirect, or a {@code closed} failure as 500).
     *
     * @param ngxStatus what {@code ngx.status} was set to before the exit, 0 if untouched
     */
    public static LocalAnswer exit(int status, int ngxStatus) {
        if (status == CLOSE || status == 499) {
            return new LocalAnswer(CLOSE, null, EMPTY);
        }
        if (status >= 200 && status < 300) {
            return new LocalAnswer(ngxStatus > 0 ? ngxStatus : status, status == 204 ? null : "text/plain", EMPTY);
        }
        String title = TITLES.get(status);
        if (title == null) {
            return new LocalAnswer(status, null, EMPTY);
        }
        int sent = status >= 494 && status <= 497 ? 400 : status;
        return new LocalAnswer(sent, "text/html", page(title));
    }

    /** nginx's page layout, CRLF line ends included. */
    static byte[] page(String title) {
        return ("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
