# gc-incident: the Slack app (`gc-incident serve`) with SQLite under /data by default.
# Build: docker build -t gc-incident .   (or podman build)
# The base image is a build argument so machines without a registry can use a local one
# (CI builds one with debootstrap and Node 22: .ci/container-smoke.sh).
ARG NODE_IMAGE=docker.io/library/node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# Node's headers ship in the image: node-gyp needs no download.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY . .
# The image holds exactly what the npm package holds (package.json "files"), plus the
# production dependencies.
RUN npm run build \
  && npm pack --ignore-scripts --pack-destination /tmp \
  && mkdir /app && tar -xzf /tmp/gc-incident-*.tgz -C /app --strip-components=1 \
  && npm prune --omit=dev --no-audit --no-fund \
  && mv node_modules /app/node_modules

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="gc-incident" \
      org.opencontainers.image.description="Slack incident bot for CPython garbage-collector incidents" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/gc-incident/gc-incident" \
      org.opencontainers.image.documentation="https://github.com/gc-incident/gc-incident#deployment"
# python3 runs the bundled demo service (compose's gc-service, `gc-incident drill`).
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-prometheus-client \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin gc-incident \
  && mkdir -p /data /rules && chown gc-incident:gc-incident /data /rules
COPY --from=build /app /app
RUN ln -s /app/bin/gc-incident.js /usr/local/bin/gc-incident
# A young generation of 1 MB per semi-space (V8's default grows to 16): the server's scavenges are
# short, so an ack that lands on one waits less (bench:ack p99 1.21-1.46x bare Bolt against
# 1.53-1.88x, five runs each, 2026-12-08; docs/benchmarks.md). It applies to the simulation
# workers too: bench:ack ran as many simulations either way, bench:sim's took a few ms more.
ENV NODE_OPTIONS=--max-semi-space-size=1 \
    NODE_ENV=production \
    DATABASE_URL=sqlite:/data/gc-incident.db \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /data
USER gc-incident
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["gc-incident"]
CMD ["serve"]
