#!/usr/bin/env bash
# Renders the Helm chart deploy/helm/nott-edge into the plain manifests of deploy/k8s.
# Helm comes bundled with helm-java (a Maven dependency), so this needs no helm binary.
# ManifestsDriftTest fails until the committed deploy/k8s matches the chart again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" && -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
# helm-java's template answers Helm's lookup from the kubeconfig's cluster; the plain manifests
# must never depend on (or touch) a real cluster, so point it at an empty config.
export KUBECONFIG=/dev/null
./mvnw -B -q -pl deploy -Prender-manifests process-classes
git status --short -- deploy/k8s 2>/dev/null || true
