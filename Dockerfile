# Baton: one image that runs `baton serve`. Node 24 runs the TypeScript sources directly.
FROM node:24-slim

ENV NODE_ENV=production \
    PORT=3000 \
    BATON_DATABASE_URL=sqlite:/data/baton.db \
    BATON_CONFIG_DIR=/app/mappings

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY sandbox ./sandbox
COPY mappings ./mappings

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

CMD ["node", "bin/baton.js", "serve"]
