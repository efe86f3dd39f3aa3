/**
 * {@code ngx.re}: lua-nginx-module's PCRE regex API on {@link java.util.regex}. PCRE syntax is
 * translated ({@link io.nott.unit.runtime.re.PcreTranslator}), Lua strings are matched as bytes
 * (one char per byte) or, with the {@code u}/{@code U} options, as UTF-8, and every position the
 * API hands back is a byte offset as in OpenResty. Matching reads the subject through a
 * budget-checked view, so a catastrophically backtracking pattern ends the call as a timeout.
 */
package io.nott.unit.runtime.re;
