package io.nott.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    /** Outgoing connections take their local port from this range, so a server port must lie below. */
    private static int ephemeralStart() throws Exception {
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    }

    @Test
    void portsLieBelowTheEphemeralRangeAndAreNeverHandedOutTwice() throws Exception {
        int ephemeralStart = ephemeralStart();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int port = FreePorts.one();
            assertThat(port).isBetween(1024, ephemeralStart - 1);
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }

    @Test
    void redisPortsKeepTheirBusPortsBelowTheEphemeralRangeToo() throws Exception {
        int ephemeralStart = ephemeralStart();
        List<Integer> ports = FreePorts.consecutiveWithBusPorts(6);
        assertThat(ports).hasSize(6);
        for (int i = 0; i < ports.size(); i++) {
            assertThat(ports.get(i)).isEqualTo(ports.get(0) + i);
            assertThat(ports.get(i) + 10000).isLessThan(ephemeralStart);
            assertThat(FreePorts.isFree(ports.get(i))).isTrue();
        }
        int shared = FreePorts.freeOnAllWithBusPort(List.of(InetAddress.getLoopbackAddress()));
        assertThat(shared + 10000).isLessThan(ephemeralStart);
        assertThat(ports).doesNotContain(shared);
    }
}
