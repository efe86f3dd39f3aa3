{{/*
Shared helpers. Names are <release>-<component>, cut to 63 characters as DNS labels need.
*/}}

{{/* Objects are named <release>-<component>: release names are unique in a namespace. */}}
{{- define "nott.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of one component: (dict "ctx" $ "component" "edge") */}}
{{- define "nott.componentName" -}}
{{- printf "%s-%s" (include "nott.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "nott.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select one component's pods: (dict "ctx" $ "component" "edge") */}}
{{- define "nott.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels: (dict "ctx" $ "component" "edge") */}}
{{- define "nott.labels" -}}
{{ include "nott.selectorLabels" . }}
app.kubernetes.io/part-of: nott-edge
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "nott.chart" .ctx }}
{{- end -}}

{{/* jvm or native for one component's values: (dict "ctx" $ "values" .Values.edge) */}}
{{- define "nott.flavour" -}}
{{- $flavour := .values.image.flavour | default .ctx.Values.global.imageFlavour -}}
{{- if not (has $flavour (list "jvm" "native")) -}}
{{- fail (printf "image flavour must be jvm or native, not %q" $flavour) -}}
{{- end -}}
{{- $flavour -}}
{{- end -}}

{{/* Image reference: (dict "ctx" $ "values" .Values.edge) */}}
{{- define "nott.image" -}}
{{- $tag := .values.image.tag | default .ctx.Values.global.imageTag | default .ctx.Chart.AppVersion -}}
{{- $suffix := ternary "-native" "" (eq (include "nott.flavour" .) "native") -}}
{{- printf "%s/%s:%s%s" .ctx.Values.global.imageRegistry .values.image.repository $tag $suffix -}}
{{- end -}}

{{/*
Pod-level security: never root. The JVM images run as uid 185 (the OpenJDK runtime's
"default" user), the native ones as uid 1001 (ubi-minimal); both with group 0 so that
OpenShift's arbitrary uids work too.
*/}}
{{- define "nott.podSecurityContext" -}}
{{- $uid := ternary 1001 185 (eq (include "nott.flavour" .) "native") -}}
runAsNonRoot: true
runAsUser: {{ $uid }}
runAsGroup: 0
fsGroup: 0
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "nott.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
{{- end -}}

{{/*
A pod template's annotations block, or nothing: Prometheus scrape annotations (by
metrics.prometheusAnnotations) and the component's podAnnotations.
(dict "ctx" $ "port" 8080 "extra" .Values.edge.podAnnotations)
*/}}
{{- define "nott.podAnnotations" -}}
{{- $annotations := dict -}}
{{- if .ctx.Values.metrics.prometheusAnnotations -}}
{{- $_ := set $annotations "prometheus.io/scrape" "true" -}}
{{- $_ := set $annotations "prometheus.io/port" (toString .port) -}}
{{- $_ := set $annotations "prometheus.io/path" "/q/metrics" -}}
{{- end -}}
{{- $annotations = merge $annotations (.extra | default dict) -}}
{{- with $annotations -}}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* Liveness, readiness and startup probes on the Quarkus health endpoints of port "http". */}}
{{- define "nott.quarkusProbes" -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: http
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /q/health/live
    port: http
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: http
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 3
{{- end -}}

{{/*
A Secret value that stays stable: the given value, else the one already in the cluster
(lookup; empty during helm template), else a new random one.
(dict "ctx" $ "name" "secret-name" "key" "data-key" "length" 32)
*/}}
{{- define "nott.stableSecretValue" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .name | default dict -}}
{{- $current := dig "data" .key "" $existing -}}
{{- if $current -}}
{{- $current -}}
{{- else -}}
{{- randAlphaNum (int .length) | b64enc -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret with the Redis password, or "" without auth. */}}
{{- define "nott.redisSecretName" -}}
{{- if .Values.redis.auth.enabled -}}
{{- if .Values.redis.auth.existingSecret -}}
{{- .Values.redis.auth.existingSecret -}}
{{- else if .Values.redis.enabled -}}
{{- include "nott.componentName" (dict "ctx" . "component" "redis-auth") -}}
{{- else -}}
{{- fail "redis.enabled=false with redis.auth.enabled=true needs redis.auth.existingSecret: the Secret that holds the external cluster's password" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "nott.redisSecretKey" -}}
{{- if .Values.redis.auth.existingSecret -}}{{ .Values.redis.auth.existingSecretKey }}{{- else -}}password{{- end -}}
{{- end -}}

{{- define "nott.registrySecretName" -}}
{{- .Values.registry.auth.existingSecret | default (include "nott.componentName" (dict "ctx" . "component" "registry-auth")) -}}
{{- end -}}

{{- define "nott.ingestSecretName" -}}
{{- .Values.ingest.auth.existingSecret | default (include "nott.componentName" (dict "ctx" . "component" "ingest-auth")) -}}
{{- end -}}

{{/* The in-chart cluster's nodes by stable DNS name (pod.headless-service), space-separated. */}}
{{- define "nott.redisNodeNames" -}}
{{- $name := include "nott.componentName" (dict "ctx" . "component" "redis") -}}
{{- $headless := include "nott.componentName" (dict "ctx" . "component" "redis-nodes") -}}
{{- $nodes := list -}}
{{- range $i := until 6 -}}
{{- $nodes = append $nodes (printf "%s-%d.%s" $name $i $headless) -}}
{{- end -}}
{{- join " " $nodes -}}
{{- end -}}

{{/* Comma list of redis:// URLs: the in-chart cluster's pods, or redis.external.hosts. */}}
{{- define "nott.redisHosts" -}}
{{- if .Values.redis.enabled -}}
{{- $name := include "nott.componentName" (dict "ctx" . "component" "redis") -}}
{{- $headless := include "nott.componentName" (dict "ctx" . "component" "redis-nodes") -}}
{{- $hosts := list -}}
{{- range $i := until 6 -}}
{{- $hosts = append $hosts (printf "redis://%s-%d.%s:%d" $name $i $headless (int $.Values.redis.port)) -}}
{{- end -}}
{{- join "," $hosts -}}
{{- else -}}
{{- if not .Values.redis.external.hosts -}}
{{- fail "redis.enabled=false needs redis.external.hosts, e.g. [redis://redis-0.example:6379, ...]" -}}
{{- end -}}
{{- join "," .Values.redis.external.hosts -}}
{{- end -}}
{{- end -}}

{{/* The Redis client environment of a Quarkus service (edge, registry). */}}
{{- define "nott.redisEnv" -}}
- name: QUARKUS_REDIS_HOSTS
  value: {{ include "nott.redisHosts" . | quote }}
- name: QUARKUS_REDIS_CLIENT_TYPE
  value: cluster
{{- if .Values.redis.auth.enabled }}
- name: QUARKUS_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "nott.redisSecretName" . }}
      key: {{ include "nott.redisSecretKey" . }}
{{- end }}
{{- end -}}

{{- define "nott.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}
