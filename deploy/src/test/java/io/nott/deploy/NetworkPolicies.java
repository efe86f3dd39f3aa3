package io.nott.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nott.deploy.RenderedChart.PodTemplate;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' ingress NetworkPolicy semantics, evaluated over rendered objects: a pod that no
 * policy selects takes everything; a selected pod takes only what some rule of a selecting
 * policy admits (peer and port). Egress is not restricted by this chart and not modelled.
 */
final class NetworkPolicies {

    /** A pod that sends or receives traffic: its labels, its namespace's labels, its named ports. */
    record Pod(String description, Map<String, String> labels, String namespace, Map<String, String> namespaceLabels,
               PodTemplate template) {

        static Pod of(PodTemplate template, String namespace) {
            return new Pod(template.kind() + " " + template.name(), template.labels(), namespace,
                    Map.of("kubernetes.io/metadata.name", namespace), template);
        }

        static Pod elsewhere(String description, String namespace, Map<String, String> labels) {
            return new Pod(description, labels, namespace, Map.of("kubernetes.io/metadata.name", namespace), null);
        }
    }

    private final List<JsonNode> policies;
    private final String namespace;

    NetworkPolicies(RenderedChart chart, String namespace) {
        this.policies = chart.kind("NetworkPolicy").toList();
        this.namespace = namespace;
    }

    boolean isolated(Pod pod) {
        return policies.stream().anyMatch(policy -> selectsForIngress(policy, pod));
    }

    /** Whether a TCP connection from {@code from} to {@code port} of {@code to} is admitted. */
    boolean admits(Pod from, Pod to, int port) {
        List<JsonNode> selecting = policies.stream().filter(policy -> selectsForIngress(policy, to)).toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(policy -> RenderedChart.stream(policy.at("/spec/ingress")))
                .anyMatch(rule -> portMatches(rule.path("ports"), to, port) && peerMatches(rule.path("from"), from));
    }

    private boolean selectsForIngress(JsonNode policy, Pod pod) {
        if (!pod.namespace().equals(namespace)) {
            return false;
        }
        JsonNode types = policy.at("/spec/policyTypes");
        boolean ingress = types.isMissingNode()
                || RenderedChart.stream(types).anyMatch(t -> t.asText().equals("Ingress"));
        return ingress && matches(policy.at("/spec/podSelector"), pod.labels());
    }

    private static boolean portMatches(JsonNode ports, Pod to, int port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        return RenderedChart.stream(ports).anyMatch(p -> {
            if (!p.path("protocol").asText("TCP").equals("TCP")) {
                return false;
            }
            JsonNode value = p.path("port");
            if (value.isMissingNode()) {
                return true;
            }
            if (value.isInt()) {
                int end = p.path("endPort").asInt(value.asInt());
                return port >= value.asInt() && port <= end;
            }
            return to.template() != null && to.template().namedPort(value.asText()).map(n -> n == port).orElse(false);
        });
    }

    private boolean peerMatches(JsonNode from, Pod source) {
        if (from.isMissingNode() || from.isEmpty()) {
            return true;
        }
        return RenderedChart.stream(from).anyMatch(peer -> {
            if (peer.has("ipBlock")) {
                throw new UnsupportedOperationException("ipBlock peers are not modelled: " + peer);
            }
            boolean namespaceOk = peer.has("namespaceSelector")
                    ? matches(peer.get("namespaceSelector"), source.namespaceLabels())
                    : source.namespace().equals(namespace);
            boolean podOk = !peer.has("podSelector") || matches(peer.get("podSelector"), source.labels());
            return namespaceOk && podOk;
        });
    }

    /** A LabelSelector: matchLabels and matchExpressions; an empty selector matches everything. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        boolean labelsOk = selector.path("matchLabels").properties().stream()
                .allMatch(e -> e.getValue().asText().equals(labels.get(e.getKey())));
        boolean expressionsOk = RenderedChart.stream(selector.path("matchExpressions")).allMatch(expression -> {
            String value = labels.get(expression.path("key").asText());
            List<String> values = RenderedChart.stream(expression.path("values")).map(JsonNode::asText).toList();
            return switch (expression.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("unknown selector operator in " + expression);
            };
        });
        return labelsOk && expressionsOk;
    }
}
