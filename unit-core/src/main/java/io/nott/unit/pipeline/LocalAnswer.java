package io.nott.unit.pipeline;

/**
 * A response the units make instead of the upstream's: nginx's page for an exit or a redirect,
 * or the body written with {@code ngx.say}/{@code ngx.print}. Header changes units made (e.g. the
 * redirect's {@code Location}) are applied by {@link PipelineRun#runHeaderFilter}, not carried here.
 *
 * @param status      the status to send
 * @param contentType the {@code Content-Type}, or null for none (204, 304, statuses without a page)
 * @param body        the body, possibly empty; never changed after construction
 */
public record LocalAnswer(int status, String contentType, byte[] body) {
}
