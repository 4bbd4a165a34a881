# The servebench image the Kubernetes manifests of `servebench k8s` run (docs/k8s.md):
#   docker build -t REGISTRY/servebench:0.1.0 . && docker push REGISTRY/servebench:0.1.0
FROM node:20-slim

WORKDIR /app
# onnxruntime-node's install script would download CUDA libraries; agents only send load, and the
# embedded server's CPU build ships in the package.
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip

COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

# bin/servebench runs the TypeScript sources through tsx (a dependency): no build step.
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY scenarios ./scenarios
COPY fixtures ./fixtures
COPY models ./models

# node:20-slim's unprivileged user, uid 1000: the manifests' runAsUser and fsGroup.
USER node

ENTRYPOINT ["/app/bin/servebench"]
CMD ["--help"]
