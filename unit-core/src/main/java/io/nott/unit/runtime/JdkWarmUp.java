package io.nott.unit.runtime;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.Locale;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Initialises, once per JVM and outside any unit call, the JDK services that library functions
 * reach lazily: the security providers ({@code ngx.md5}, {@code ngx.sha1_bin},
 * {@code ngx.hmac_sha1}, {@code resty.sha*}), the calendar and locale data ({@code os.date},
 * {@code ngx.http_time}), the formatter and the regex engine ({@code ngx.re}). Their first use loads and initialises hundreds of
 * classes: on a machine at load 26 the first {@code ngx.md5} or {@code os.date} of a fresh JVM took
 * 300-1000 ms, all inside the calling unit's budget (50 ms), which its charges cannot foresee
 * (issue #15: "the first large call in a cold JVM"). The runner pays it when it is created.
 */
final class JdkWarmUp {

    private JdkWarmUp() {
    }

    /** Runs the warm-up the first time it is called in this JVM; later calls return at once. */
    static void once() {
        Done.DONE.hashCode();
    }

    /** The holder idiom: the JVM runs the warm-up exactly once, when the class is initialised. */
    private static final class Done {
        static final Object DONE = run();
    }

    private static Object run() {
        byte[] data = "warm-up".getBytes(StandardCharsets.US_ASCII);
        try {
            for (String alg : new String[] {"MD5", "SHA-1", "SHA-256", "SHA-512"}) {
                java.security.MessageDigest.getInstance(alg).digest(data);
            }
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(data, "HmacSHA1"));
            mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            // Not available here: the library function reports it when a unit calls it.
        }
        new CRC32().update(data);
        Calendar.getInstance().getTimeInMillis();
        new org.luaj.vm2.lib.OsLib().date("%c", 0);
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String.format(Locale.ROOT, "%5.2f %d %s %x", 1.5, 1, "x", 255);
        io.nott.unit.runtime.re.NgxRe.warmUp();
        return Boolean.TRUE;
    }
}
