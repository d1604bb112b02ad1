import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.PARLEY_API ?? 'http://localhost:4000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      // The API and its WebSocket live on the same path; the server answers
      // browser GETs of /graphql with graphiql.html, so the dev server mirrors that.
      '/graphql': {
        target: api,
        ws: true,
        changeOrigin: true,
        bypass(req) {
          if (req.method === 'GET' && req.headers.accept?.includes('text/html')) return '/graphiql.html';
          return undefined;
        },
      },
      '/healthz': { target: api, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Source maps only when asked for (PARLEY_SOURCEMAP=true npm run build): they publish the source.
    sourcemap: process.env.PARLEY_SOURCEMAP === 'true',
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      // GraphiQL's packages carry React Compiler directives that do not matter in a bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        graphiql: resolve(import.meta.dirname, 'graphiql.html'),
      },
    },
  },
  worker: { format: 'es' },
});
