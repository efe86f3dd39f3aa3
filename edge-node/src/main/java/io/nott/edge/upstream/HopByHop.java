package io.nott.edge.upstream;

/** Headers that describe one connection and are never forwarded (RFC 9110 section 7.6.1). */
public final class HopByHop {

    private HopByHop() {
    }

    public static boolean isHopByHop(String name) {
        switch (name.length()) {
            case 2:
                return name.equalsIgnoreCase("TE");
            case 7:
                return name.equalsIgnoreCase("Trailer") || name.equalsIgnoreCase("Upgrade");
            case 10:
                return name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive");
            case 16:
                return name.equalsIgnoreCase("Proxy-Connection");
            case 17:
                return name.equalsIgnoreCase("Transfer-Encoding");
            case 19:
                return name.equalsIgnoreCase("Proxy-Authorization") || name.equalsIgnoreCase("Proxy-Authenticate");
            default:
                return false;
        }
    }
}
