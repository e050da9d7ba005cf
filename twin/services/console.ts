/**
 * The staff console, served by the local API from `console/dist/` as CloudFront serves it on AWS:
 * `/` (index.html), `/assets/*` (Vite's hashed files) and `/config.json` (where the console finds
 * the API and how it logs in). Only GET and HEAD, and only when no API route matched, so the
 * console never shadows an API route. Client routes live in the URL hash, so nothing else is needed.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { HttpAnswer } from './api-gateway';

/** Answers a console request, or `undefined` when the path is not the console's. */
export type StaticSite = (method: string, path: string) => Promise<HttpAnswer | undefined>;

/** What the console reads at start; locally the API is the same origin and login is the dev login. */
export const LOCAL_CONSOLE_CONFIG = { apiUrl: '', auth: 'local' } as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
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

  async function fileAnswer(file: string, cacheControl: string): Promise<HttpAnswer | undefined> {
    try {
      if (!(await stat(file)).isFile()) return undefined;
      return {
        status: 200,
        headers: {
          'content-type': contentTypeOf(file),
          'cache-control': cacheControl,
          'x-content-type-options': 'nosniff',
        },
        cookies: [],
        body: await readFile(file),
      };
    } catch {
      return undefined;
    }
  }

  return async (method, requestPath) => {
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
      const index = await fileAnswer(path.join(distDir, 'index.html'), REVALIDATE);
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
      if (!file) return notFound();
      return (await fileAnswer(file, HASHED_NAME.test(file) ? IMMUTABLE : REVALIDATE)) ?? notFound();
    }
    return undefined;
  };
}
