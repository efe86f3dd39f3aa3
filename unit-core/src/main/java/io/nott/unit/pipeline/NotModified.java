package io.nott.unit.pipeline;

import io.nott.unit.runtime.HttpExchange;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * nginx's not_modified filter, which runs before header_filter units on every 200 response:
 * {@code If-Unmodified-Since}/{@code If-Match} that fail give 412; {@code If-Modified-Since}
 * equal to {@code Last-Modified} (nginx's default {@code if_modified_since exact}) and/or an
 * {@code If-None-Match} that matches the {@code ETag} (weakly) give 304. The request method does
 * not matter, as in nginx.
 */
final class NotModified {

    static final int NONE = 0;

    private NotModified() {
    }

    /**
     * @param etag         the response's {@code ETag}, null when none
     * @param lastModified the response's {@code Last-Modified}, null when none
     * @return 304, 412 or {@link #NONE}
     */
    static int check(int status, HttpExchange request, String etag, String lastModified) {
        if (status != 200) {
            return NONE;
        }
        String ius = request.requestHeader("If-Unmodified-Since");
        if (ius != null && !unmodifiedSince(ius, lastModified)) {
            return 412;
        }
        String ifMatch = request.requestHeader("If-Match");
        if (ifMatch != null && !matches(ifMatch, etag, false)) {
            return 412;
        }
        String ims = request.requestHeader("If-Modified-Since");
        String inm = request.requestHeader("If-None-Match");
        if (ims == null && inm == null) {
            return NONE;
        }
        if (ims != null && modifiedSince(ims, lastModified)) {
            return NONE;
        }
        if (inm != null && !matches(inm, etag, true)) {
            return NONE;
        }
        return 304;
    }

    private static boolean unmodifiedSince(String header, String lastModified) {
        long lm = seconds(lastModified);
        if (lm < 0) {
            return false;
        }
        long ius = seconds(header);
        return ius >= 0 && ius >= lm;
    }

    private static boolean modifiedSince(String header, String lastModified) {
        long lm = seconds(lastModified);
        return lm < 0 || seconds(header) != lm;
    }

    /** nginx's {@code ngx_http_test_if_match}: {@code *}, or one listed tag equal to the ETag (W/ ignored when weak). */
    private static boolean matches(String header, String etag, boolean weak) {
        if (etag == null) {
            return false;
        }
        String list = header.strip();
        if (list.equals("*")) {
            return true;
        }
        String tag = weak && etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String item : list.split(",")) {
            String candidate = item.strip();
            if (weak && candidate.startsWith("W/")) {
                candidate = candidate.substring(2);
            }
            if (candidate.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    private static long seconds(String date) {
        if (date == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
