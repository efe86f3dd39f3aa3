package io.nott.ingest.stream.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Parses the XML of nginx-rtmp's {@code rtmp_stat all}. */
public final class RtmpStatParser {

    private RtmpStatParser() {
    }

    public static RtmpStat parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
            List<RtmpStat.StreamStat> streams = new ArrayList<>();
            for (Element server : children(root, "server")) {
                for (Element app : children(server, "application")) {
                    String appName = text(app, "name");
                    for (Element live : children(app, "live")) {
                        for (Element stream : children(live, "stream")) {
                            streams.add(stream(appName, stream));
                        }
                    }
                }
            }
            return new RtmpStat(List.copyOf(streams));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("nginx-rtmp statistics are not readable XML: " + e.getMessage(), e);
        }
    }

    private static RtmpStat.StreamStat stream(String app, Element stream) {
        Optional<String> publisher = Optional.empty();
        for (Element client : children(stream, "client")) {
            if (!children(client, "publishing").isEmpty()) {
                publisher = Optional.of(text(client, "address"));
            }
        }
        return new RtmpStat.StreamStat(app, text(stream, "name"), number(stream, "time"), number(stream, "bw_in"),
                publisher, !children(stream, "publishing").isEmpty());
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }

    private static long number(Element parent, String name) {
        try {
            return Long.parseLong(text(parent, name));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
