#!/usr/bin/env bash
# Send a request signed with a MyStocks API key (docs/security.md, "Signing requests") with curl
# and openssl. Usage: MYSTOCKS_API_KEY=... MYSTOCKS_API_SECRET=... sign_request.sh METHOD BASE PATH [QUERY] [JSON_BODY]
# QUERY must already be canonical: parameters sorted by name, RFC 3986-encoded (e.g.
# "interval=1d&symbol=600519.SH"). Prints the HTTP status and the response body.
set -euo pipefail
method=${1^^} base=$2 path=$3 query=${4:-} body=${5:-}
timestamp=$(($(date +%s%N) / 1000000))
nonce=$(openssl rand -hex 16)
body_hash=$(printf '%s' "$body" | openssl dgst -sha256 -r | cut -d' ' -f1)
signature=$(printf '%s\n%s\n%s\n%s\n%s\n%s' "$method" "$path" "$query" "$timestamp" "$nonce" "$body_hash" |
  openssl dgst -sha256 -hmac "$MYSTOCKS_API_SECRET" -r | cut -d' ' -f1)
curl -sS -X "$method" "$base$path${query:+?$query}" \
  -H "X-API-Key: $MYSTOCKS_API_KEY" -H "X-Timestamp: $timestamp" -H "X-Nonce: $nonce" \
  -H "X-Signature: $signature" ${body:+-H "Content-Type: application/json" --data-binary "$body"} \
  -w '\n%{http_code}\n'
