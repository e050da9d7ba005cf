/**
 * TEST SUPPORT, to be replaced by the stack's own serving of the console: serves the built console
 * (`console/dist`) at `/` and `/assets/*` and proxies every other path to the local stack, so the
 * browser sees one origin as it will once the stack serves the console itself. `/config.json` is
 * answered 404 here on purpose: the console must then fall back to local mode.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'console', 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

async function serveFile(file: string, response: http.ServerResponse): Promise<void> {
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
}

export async function serveConsole(stackUrl: string): Promise<ConsoleServer> {
  const target = new URL(stackUrl);
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      void serveFile(path.join(DIST, 'index.html'), response);
      return;
    }
    if (request.method === 'GET' && url.pathname.startsWith('/assets/') && !url.pathname.includes('..')) {
      void serveFile(path.join(DIST, url.pathname), response);
      return;
    }
    if (url.pathname === '/config.json') {
      response.writeHead(404).end();
      return;
    }
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
