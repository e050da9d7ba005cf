import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

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
  plugins: [
    react(),
    // The inspector's phone opens the console without a network: the app shell and the screens
    // are precached by a service worker; API reads fall back to their last answer when offline.
    // The service worker and the manifest are top-level files of dist/ (sw.js must sit at the
    // scope it controls), served by the stack next to index.html.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: '安居 · 农村危房改造',
        short_name: '安居',
        lang: 'zh-CN',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0958d9',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        // The dashboard (ECharts) is for the office PC: not worth a phone's bandwidth to keep offline.
        globIgnores: ['assets/Dashboard-*.js', 'assets/vendor~Dashboard-*.js'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [new RegExp(`^(${API_PATHS.join('|')})`)],
        maximumFileSizeToCacheInBytes: 3_000_000,
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname === '/config.json',
            handler: 'NetworkFirst',
            options: { cacheName: 'anju-config', networkTimeoutSeconds: 4 },
          },
          {
            // Reads an inspector needs in a village: who they are, their queue, the households and programs.
            urlPattern: ({ url, request }) =>
              request.method === 'GET' && /^\/(me|tasks|programs|households)(\/|$|\?)/.test(url.pathname),
            handler: 'NetworkFirst',
            options: {
              cacheName: 'anju-api',
              networkTimeoutSeconds: 6,
              expiration: { maxEntries: 300, maxAgeSeconds: 7 * 86_400 },
            },
          },
        ],
      },
    }),
  ],
  server: { proxy: Object.fromEntries(API_PATHS.map((prefix) => [prefix, API])) },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: {
        // Shared code is split by the set of screens that use it, so the first screen does not
        // download components only later screens need (tabs, tables, statistics...).
        codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/, entriesAware: true }] },
      },
    },
  },
});
