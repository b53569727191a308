# ais-guard image: `node dist/cli/main.js` on distroless Node.js 24, as user 65532, no shell.
#   docker build -t REGISTRY/ais-guard:0.1.0 .
# The default command is `serve`; the Deployment in deploy/ passes its own arguments, and
# `docker run --rm IMAGE render ...` prints the manifests shipped inside the image.

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
WORKDIR /app
ENV NODE_ENV=production
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
# 15-100 MiB less RSS after a million reviews (README "Performance"). `npm run bench` reads these
# flags from here.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=4", "/app/dist/cli/main.js"]
CMD ["serve"]
