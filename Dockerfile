# ais-guard image: `node dist/cli/main.js` on distroless Node.js 24, as user 65532, no shell.
#   docker build --build-arg SOURCE_URL=$(git remote get-url origin) -t REGISTRY/ais-guard:0.1.0 .
# The default command is `serve` on port 8443 of every interface with a self-managed certificate under /tmp (the
# only writable path: /app is root-owned, and the Deployment's root filesystem is read-only with an
# emptyDir on /tmp; with `docker run --read-only` add `--tmpfs /tmp`). The Deployment in deploy/
# passes its own arguments and a mounted certificate; `docker run --rm IMAGE render ...` prints the
# manifests shipped inside the image. scripts/image-stage.sh runs this final stage without Docker
# (it reads WORKDIR, ENV, COPY, USER, ENTRYPOINT and CMD from here) and checks /readyz.

# Build: compile TypeScript with the dev dependencies.
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime dependencies only, without install scripts (none of them needs one).
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM gcr.io/distroless/nodejs24-debian12:nonroot
# Keep VERSION equal to package.json's version and LICENSES to its license (scripts/image-stage.sh
# checks both); SOURCE_URL is the repository the image is built from.
ARG VERSION=0.1.0
ARG SOURCE_URL=
LABEL org.opencontainers.image.title="ais-guard" \
      org.opencontainers.image.description="Admission guard for AIStore multi-target layouts on Kubernetes" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE_URL}"
WORKDIR /app
# Environment, so it holds whatever arguments replace CMD: keep self-managed certificates where uid
# 65532 can write them. Flags still win over these. No address: serve listens on every interface of
# both families by default (an IPv6-only or IPv6-first cluster's pod too).
ENV NODE_ENV=production \
    AIS_GUARD_CERT_DIR=/tmp/ais-guard/certs
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# `ais-guard render` reads the manifests from here.
COPY deploy ./deploy
# Numeric, so the kubelet can check runAsNonRoot without looking up a user name.
USER 65532:65532
EXPOSE 8443
# A 4 MiB young-generation semi-space (V8 sizes it from the machine's memory, up to 32 MiB and more
# on a big node, whatever the pod's limit): the same throughput on admission-sized objects, and
# 15-100 MiB less RSS after a million reviews (docs/performance.md). --expose-gc: after listing a
# large cluster the guard runs one memory-returning collection (src/server/memory.ts; 349 -> 219 MB
# RSS at 100,000 PVs, bench --scale). --no-allocation-site-pretenuring: while the lists fill the
# cache nearly every object survives, and V8 may then allocate from those code paths straight into the
# old generation for good; one fresh guard in three then promoted 8x more per scavenge and made a full
# collection of the whole cache every ~6 s (p99 9-10 ms against 2.5-3.7; docs/performance.md,
# "At scale"). None did with the flag. `npm run bench` reads these flags from here.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=4", "--expose-gc", "--no-allocation-site-pretenuring", "/app/dist/cli/main.js"]
CMD ["serve"]
