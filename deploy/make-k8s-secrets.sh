#!/usr/bin/env bash
# Writes the env files the kustomization in deploy/k8s generates its Secrets from, with
# random credentials, readable only by you. Existing files are kept (so are the credentials
# already in use); delete one to rotate it. The files are git-ignored: never commit them.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/k8s/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
random() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
write() {
  local file="$dir/$1.env"
  shift
  if [[ -f "$file" ]]; then
    echo "kept    $file"
    return
  fi
  printf '%s\n' "$@" > "$file"
  echo "created $file"
}
write nott-redis-auth "password=$(random 32)"
write nott-registry-auth "editor-token=$(random 40)" "viewer-token=$(random 40)"
write nott-ingest-auth "stream-key=$(random 24)"
