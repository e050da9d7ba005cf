import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// `vite --config console/vite.config.ts` in development: the API paths go to a running `npm start`
// (ANJU_API_URL, default the stack's default port), so the console runs on one origin as in production.
const API = process.env.ANJU_API_URL ?? 'http://127.0.0.1:3000';
const API_PATHS = [
  '/auth',
  '/me',
  '/households',
  '/tasks',
  '/reports',
  '/payments',
  '/programs',
  '/notices',
  '/health',
];

// The console is a static single-page app: served by the local stack at `/` and from S3 +
// CloudFront on AWS. Client routes use the URL hash, so the server only serves `/`, `/assets/*`
// and `/config.json`, and no client route can shadow an API route.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  server: { proxy: Object.fromEntries(API_PATHS.map((prefix) => [prefix, API])) },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: {
        // Shared code is split by the set of screens that use it, so the first screen does not
        // download components only later screens need (tabs, tables, statistics...).
        codeSplitting: { groups: [{ name: 'shared', entriesAware: true }] },
      },
    },
  },
});
