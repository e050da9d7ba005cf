/**
 * The staff console, served by the local API from `console/dist/` as CloudFront serves it on AWS:
 * `/` (index.html), `/assets/*` (Vite's hashed files), the build's other top-level files (the PWA's
 * `/sw.js`, `/workbox-*.js`, `/manifest.webmanifest`, `/icons/*`) and `/config.json` (where the
 * console finds the API and how it logs in). Text is compressed as CloudFront compresses it: brotli
 * or gzip as the browser's `Accept-Encoding` asks, with `Vary: Accept-Encoding`, from the copies the
 * build made (`x.js.br`, `x.js.gz`) or, for a file without one, compressed once and remembered. Only GET and HEAD,
 * and only when no API route matched, so the console never shadows an API route. Client routes live
 * in the URL hash, so nothing else is needed.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import type { HttpAnswer } from './api-gateway';

/** Answers a console request, or `undefined` when the path is not the console's. */
export type StaticSite = (
  method: string,
  path: string,
  headers?: IncomingHttpHeaders,
) => Promise<HttpAnswer | undefined>;

/** What the console reads when no sign-in is configured (the twin passes its OpenID Connect issuer instead): the demo-user picker of the dev login. */
export const LOCAL_CONSOLE_CONFIG = { apiUrl: '', auth: 'local' } as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Vite names built assets `name-<8+ char hash>.ext`: such a name never changes content, so it may be cached for a year. */
const HASHED_NAME = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/i;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and config.json name the current assets: browsers revalidate them every time. */
const REVALIDATE = 'no-cache';

/**
 * What CloudFront compresses (text, scripts, JSON, SVG, manifests), and not files below 1 KB, where the
 * headers cost more than they save; images and fonts are compressed already.
 */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json)|image\/svg\+xml)/;
const MIN_COMPRESSED_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

/** The encoding to answer with: brotli when the browser takes it, else gzip, else none (`q=0` refuses one). */
export function chooseEncoding(acceptEncoding: string | string[] | undefined): Encoding | undefined {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (name === '') continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const takes = (name: Encoding) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (takes('br')) return 'br';
  if (takes('gzip')) return 'gzip';
  return undefined;
}

const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 9 of 11: most of brotli's gain at a fraction of its slowest setting, once per file.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 9,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 9 }),
};

/** The build's own compressed copy (`x.js.br`, `x.js.gz`, console/vite.config.ts), when it is as new as the file. */
async function precompressedCopy(file: string, encoding: Encoding, mtimeMs: number): Promise<Buffer | undefined> {
  const copy = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
  try {
    if ((await stat(copy)).mtimeMs < mtimeMs) return undefined;
    return await readFile(copy);
  } catch {
    return undefined;
  }
}

/** The compressed copies are served in place of their file, never under their own names. */
const COMPRESSED_COPY = /\.(br|gz)$/;

const notFound = (): HttpAnswer => ({
  status: 404,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message: 'Not Found' })),
});

/**
 * The file under `assetsDir` that `/assets/<rest>` names, or `undefined` when the name could leave
 * the folder (`..`, an encoded slash or backslash, a NUL byte) or is not well-formed.
 */
export function assetFile(assetsDir: string, rest: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (decoded === '' || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  const base = path.resolve(assetsDir);
  const file = path.resolve(base, decoded);
  return file.startsWith(`${base}${path.sep}`) ? file : undefined;
}

export type ConsoleSiteOptions = {
  /** The built console (`console/dist`). */
  readonly distDir: string;
  /** The page served at `/` while the console is not built. */
  readonly missingPage: () => string;
  /** The body of `/config.json`. @default LOCAL_CONSOLE_CONFIG */
  readonly config?: unknown;
};

export function consoleSite(options: ConsoleSiteOptions): StaticSite {
  const distDir = path.resolve(options.distDir);
  const assetsDir = path.join(distDir, 'assets');
  const config = Buffer.from(JSON.stringify(options.config ?? LOCAL_CONSOLE_CONFIG));
  /** Compressed copies, made once per file version (path, size, mtime) and encoding. */
  const compressed = new Map<string, Promise<Buffer>>();

  async function fileAnswer(
    file: string,
    cacheControl: string,
    encoding: Encoding | undefined,
  ): Promise<HttpAnswer | undefined> {
    try {
      const stats = await stat(file);
      if (!stats.isFile()) return undefined;
      const contentType = contentTypeOf(file);
      const headers: Record<string, string> = {
        'content-type': contentType,
        'cache-control': cacheControl,
        'x-content-type-options': 'nosniff',
      };
      const compressible = COMPRESSIBLE.test(contentType) && stats.size >= MIN_COMPRESSED_BYTES;
      if (!compressible) return { status: 200, headers, cookies: [], body: await readFile(file) };
      // The answer depends on the request's Accept-Encoding: caches keep one copy per encoding.
      headers.vary = 'Accept-Encoding';
      if (encoding === undefined) return { status: 200, headers, cookies: [], body: await readFile(file) };
      const key = `${file}\0${stats.size}\0${stats.mtimeMs}\0${encoding}`;
      let body = compressed.get(key);
      if (!body) {
        body = precompressedCopy(file, encoding, stats.mtimeMs).then(
          (copy) => copy ?? readFile(file).then((raw) => compressors[encoding](raw)),
        );
        compressed.set(key, body);
        body.catch(() => compressed.delete(key));
      }
      return { status: 200, headers: { ...headers, 'content-encoding': encoding }, cookies: [], body: await body };
    } catch {
      return undefined;
    }
  }

  return async (method, requestPath, requestHeaders) => {
    const encoding = chooseEncoding(requestHeaders?.['accept-encoding']);
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    if (requestPath === '/config.json') {
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': REVALIDATE },
        cookies: [],
        body: config,
      };
    }
    if (requestPath === '/' || requestPath === '/index.html') {
      const index = await fileAnswer(path.join(distDir, 'index.html'), REVALIDATE, encoding);
      if (index) return index;
      return {
        status: 503,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        cookies: [],
        body: Buffer.from(options.missingPage()),
      };
    }
    if (requestPath.startsWith('/assets/')) {
      const file = assetFile(assetsDir, requestPath.slice('/assets/'.length));
      if (!file || COMPRESSED_COPY.test(file)) return notFound();
      return (await fileAnswer(file, HASHED_NAME.test(file) ? IMMUTABLE : REVALIDATE, encoding)) ?? notFound();
    }
    // The build's other files (the service worker, workbox, the manifest, icons), as the bucket holds them;
    // the service worker is not hashed, so browsers revalidate it and find a new one on the next visit.
    const file = assetFile(distDir, requestPath.slice(1));
    if (!file || COMPRESSED_COPY.test(file)) return undefined;
    return fileAnswer(file, HASHED_NAME.test(file) ? IMMUTABLE : REVALIDATE, encoding);
  };
}
