import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import react from '@vitejs/plugin-react';
import type { OutputChunk } from 'rolldown';
import { defineConfig, type Plugin } from 'vite';
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
  '/users',
  '/health',
  // The local OpenID Connect issuer (discovery, login page, token): never the console's page.
  '/oidc',
];

/**
 * Brotli and gzip copies of every text file of the build next to it (`x.js.br`, `x.js.gz`), made
 * once at the highest settings: the local stack serves them as CloudFront serves its compressed
 * copies (twin/services/console.ts). The bucket never gets them (infra/constructs/web-console.ts
 * excludes them): CloudFront compresses by itself.
 */
function precompressed(outDir: string): Plugin {
  const text = /\.(js|mjs|css|html|json|webmanifest|svg)$/;
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
  return {
    name: 'anju-precompressed',
    apply: 'build',
    closeBundle: {
      order: 'post',
      handler() {
        for (const file of files(outDir)) {
          if (!text.test(file) || statSync(file).size < 1024) continue;
          const bytes = readFileSync(file);
          writeFileSync(
            `${file}.br`,
            brotliCompressSync(bytes, {
              params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
            }),
          );
          writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
        }
      },
    },
  };
}

/**
 * The screen each hash route opens (as src/App.tsx routes them), first match wins. Kept beside the
 * router's lazy imports by hand: a screen missing here only loses its early download.
 */
const SCREENS: readonly [RegExp, readonly string[]][] = [
  [/^households\/new$/, ['src/households/RegisterHousehold.tsx']],
  [/^households\/[^/]+$/, ['src/households/HouseholdFilePage.tsx']],
  [/^households$/, ['src/households/HouseholdList.tsx']],
  [/^inspector\/[^/]+$/, ['src/inspector/InspectorView.tsx', 'src/inspector/InspectorHousehold.tsx']],
  [/^inspector$/, ['src/inspector/InspectorView.tsx']],
  [/^finance$/, ['src/finance/FinanceView.tsx']],
  [/^dashboard$/, ['src/dashboard/Dashboard.tsx']],
  [/^notices$/, ['src/notices/NoticePage.tsx']],
  [/^(work)?$/, ['src/work/MyWork.tsx']],
];

/**
 * A signed-in user's screen starts downloading with the app rather than after it: index.html gets a
 * small script that reads the URL's hash and adds `<link rel="modulepreload">` for that screen's
 * chunks (those index.html does not load already). On a weak network the screen's JavaScript then
 * shares the first seconds' bandwidth instead of waiting for the app to download and run.
 */
function preloadTheScreen(): Plugin {
  return {
    name: 'anju-preload-the-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        const chunks = Object.values(context.bundle ?? {}).filter(
          (output): output is OutputChunk => output.type === 'chunk',
        );
        const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
        const closure = (chunk: OutputChunk | undefined, into = new Set<string>()): Set<string> => {
          if (!chunk || into.has(chunk.fileName)) return into;
          into.add(chunk.fileName);
          for (const imported of chunk.imports) closure(byFile.get(imported), into);
          return into;
        };
        const initial = closure(chunks.find((chunk) => chunk.isEntry));
        const screens = SCREENS.map(([pattern, modules]) => {
          const files = new Set<string>();
          for (const module of modules) {
            closure(
              chunks.find((c) => c.facadeModuleId?.endsWith(module)),
              files,
            );
          }
          return [pattern.source, [...files].filter((file) => !initial.has(file))] as const;
        });
        const script = `(() => {
  if (!window.__anjuEarly || !window.__anjuEarly.me) return;
  const route = location.hash.replace(/^#\\/?/, '').split('?')[0];
  const screens = ${JSON.stringify(screens)};
  const screen = screens.find(([pattern]) => new RegExp(pattern).test(route));
  for (const file of screen ? screen[1] : []) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = \`./\${file}\`;
    document.head.appendChild(link);
  }
})();`;
        return { html, tags: [{ tag: 'script', children: script, injectTo: 'head' }] };
      },
    },
  };
}

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
    preloadTheScreen(),
    precompressed(path.join(here, 'dist')),
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
