{{/*
Names and choices every template shares. Object names do not depend on the release name: with
the default values the chart renders exactly deploy/base (as `ais-guard render` does).
*/}}

{{- define "ais-guard.name" -}}
{{- .Values.fullnameOverride | default "ais-guard" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The install's namespace. Every template writes it quoted (| quote, toJson): a valid namespace name
such as 1234 or on is a number or a boolean to YAML 1.1 when bare.
*/}}
{{- define "ais-guard.namespace" -}}
{{- .Values.namespace.name | default .Release.Namespace -}}
{{- end -}}

{{/* The labels of deploy/base, on every object; the selectors use the first one only. */}}
{{- define "ais-guard.labels" -}}
app.kubernetes.io/name: ais-guard
{{- end -}}

{{/* What the install's Service, PDB, NetworkPolicy and spread constraints select: its own pods only. */}}
{{- define "ais-guard.selectorLabels" -}}
app.kubernetes.io/name: ais-guard
app.kubernetes.io/instance: {{ include "ais-guard.name" . }}
{{- end -}}

{{- define "ais-guard.tlsSecret" -}}
{{- if eq .Values.certificates.mode "existing-secret" -}}
{{- required "certificates.existingSecret: name the Secret to mount (certificates.mode is existing-secret)" .Values.certificates.existingSecret -}}
{{- else -}}
{{- include "ais-guard.name" . }}-tls
{{- end -}}
{{- end -}}

{{- define "ais-guard.certManager" -}}
{{- if eq .Values.certificates.mode "cert-manager" -}}
{{- if .Values.certificates.caBundle -}}
{{- fail "certificates.caBundle: cert-manager's cainjector fills the caBundle; leave it empty with certificates.mode cert-manager" -}}
{{- end -}}
true
{{- end -}}
{{- end -}}

{{/* certificates.caBundle, or the CA given as a file (self-managed). */}}
{{- define "ais-guard.caBundle" -}}
{{- if .Values.certificates.caBundle -}}
{{- .Values.certificates.caBundle -}}
{{- else if and (eq .Values.certificates.mode "self-managed") .Values.certificates.files.caCrt -}}
{{- .Values.certificates.files.caCrt | b64enc -}}
{{- end -}}
{{- end -}}

{{- define "ais-guard.manageWebhookConfig" -}}
{{- if and .Values.certificates.manageWebhookConfig (not (include "ais-guard.certManager" .)) -}}
true
{{- end -}}
{{- end -}}

{{- define "ais-guard.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/*
Whether the guard may refuse anything: mode enforce, a rule set to enforce, or failureMode deny.
Otherwise (warn or audit) it answers allowed to every review, and a Fail entry would only refuse
AIStore objects while the guard is down, enforcing nothing.
*/}}
{{- define "ais-guard.mayDeny" -}}
{{- $deny := or (eq .Values.mode "enforce") (eq .Values.failureMode "deny") -}}
{{- range $rule, $mode := .Values.rules -}}
{{- if eq $mode "enforce" -}}{{- $deny = true -}}{{- end -}}
{{- end -}}
{{- if $deny -}}true{{- end -}}
{{- end -}}

{{/* failurePolicy of one validating webhook: the value, or Fail (Ignore when the guard may refuse nothing). */}}
{{- define "ais-guard.failurePolicy" -}}
{{- $explicit := index .root.Values.failurePolicy .webhook -}}
{{- if $explicit -}}
{{- $explicit -}}
{{- else if include "ais-guard.mayDeny" .root -}}
Fail
{{- else -}}
Ignore
{{- end -}}
{{- end -}}

{{/*
The guard's own namespace is never sent, whatever namespaces.excluded says. The values as JSON
strings: a namespace may be named 1234 or on, which YAML 1.1 (sigs.k8s.io/yaml, as Helm and
kubectl read manifests) reads bare as a number or a boolean, not the []string the API wants.
*/}}
{{- define "ais-guard.namespaceSelector" -}}
{{- $excluded := .Values.namespaces.excluded | default list -}}
{{- $own := include "ais-guard.namespace" . -}}
{{- if not (has $own $excluded) -}}
{{- $excluded = append $excluded $own -}}
{{- end -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ toJson $excluded }}
    {{- with .Values.namespaces.judged }}
    - key: kubernetes.io/metadata.name
      operator: In
      values: {{ toJson . }}
    {{- end }}
{{- end -}}

{{/* clientConfig of one webhook: the Service, and the caBundle when given. */}}
{{- define "ais-guard.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "ais-guard.name" .root }}
    namespace: {{ include "ais-guard.namespace" .root | quote }}
    path: {{ .path }}
    port: 443
  {{- with include "ais-guard.caBundle" .root }}
  caBundle: {{ . }}
  {{- end }}
{{- end -}}

{{/* cert-manager's cainjector annotation for the webhook configurations. */}}
{{/*
metadata.annotations of one object, on new lines indented for metadata (nothing when empty):
  extra     annotations of its own (a map; e.g. grafanaDashboard.annotations)
  injectCa  true for the webhook configurations: cert-manager's cainjector fills their caBundle
  kind      "Deployment" for the guard's Deployment, "audit" for the audit objects: their own waves
With argocd.syncWaves.enabled, every object gets argocd.argoproj.io/sync-wave: the guard's objects
`objects` (-2), its Deployment `deployment` (-1), so Argo CD has them applied, and the guard
Healthy, before the AIStore objects of wave 0 (as deploy/overlays/argocd does). The audit objects
`audit` (0): a CronJob whose last Job failed (a finding) is Degraded, and Argo CD holds every later
wave on it (render --with-audit: wave 0 too).
*/}}
{{- define "ais-guard.annotations" -}}
{{- $annotations := deepCopy (.extra | default dict) -}}
{{- if and .injectCa (include "ais-guard.certManager" .root) -}}
{{- $_ := set $annotations "cert-manager.io/inject-ca-from" (printf "%s/%s-serving" (include "ais-guard.namespace" .root) (include "ais-guard.name" .root)) -}}
{{- end -}}
{{- $waves := .root.Values.argocd.syncWaves -}}
{{- if $waves.enabled -}}
{{- $wave := ternary $waves.deployment $waves.objects (eq (.kind | default "") "Deployment") -}}
{{- if eq (.kind | default "") "audit" }}{{ $wave = $waves.audit }}{{ end -}}
{{- $_ := set $annotations "argocd.argoproj.io/sync-wave" (printf "%d" (int $wave)) -}}
{{- end -}}
{{- if $annotations }}
  annotations:
    {{- toYaml $annotations | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
Seconds in a Go duration of hours, minutes and seconds ("720h", "1h30m", "90s"; the schema allows
only those), as a string; "0" when empty. For the expiry alert's threshold (prometheusrule.yaml).
*/}}
{{- define "ais-guard.durationSeconds" -}}
{{- $h := regexFind "[0-9]+h" . | trimSuffix "h" | default "0" | atoi -}}
{{- $m := regexFind "[0-9]+m" . | trimSuffix "m" | default "0" | atoi -}}
{{- $s := regexFind "[0-9]+s" . | trimSuffix "s" | default "0" | atoi -}}
{{- add (mul $h 3600) (mul $m 60) $s -}}
{{- end -}}
