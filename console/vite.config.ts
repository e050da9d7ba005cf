import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The console is a static single-page app: served by the local stack at `/` and from S3 +
// CloudFront on AWS. Client routes use the URL hash, so the server only serves `/`, `/assets/*`
// and `/config.json`, and no client route can shadow an API route.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: { outDir: path.join(here, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
