import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../../../twin/assembly/assembly';
import { startApiServer } from '../../../../twin/services/api-gateway';
import { assetFile, consoleSite, contentTypeOf } from '../../../../twin/services/console';
import { createIdentityProvider } from '../../../../twin/services/identity';

const route = (routeKey: string, functionName: string): RouteSpec => {
  const [method = 'ANY', routePath = '$default'] = routeKey.split(' ');
  return { routeKey, method, path: routePath, authorizationType: 'NONE', authorizationScopes: [], functionName };
};

describe('assetFile', () => {
  const assets = path.resolve('/srv/dist/assets');

  it('maps a name inside the assets folder', () => {
    expect(assetFile(assets, 'index-AbCd1234.js')).toBe(path.join(assets, 'index-AbCd1234.js'));
    expect(assetFile(assets, 'fonts/a%20b.woff2')).toBe(path.join(assets, 'fonts', 'a b.woff2'));
  });

  it('refuses every way out of the folder', () => {
    for (const rest of [
      '../index.html',
      '..%2Findex.html',
      '%2e%2e/secret',
      'a/../../x',
      '..\\x',
      'a%5C..%5Cx',
      'x%00.js',
      '',
      '/etc/passwd',
      '%E0%A4%A',
    ]) {
      expect(assetFile(assets, rest), rest).toBeUndefined();
    }
  });
});

describe('contentTypeOf', () => {
  it('names the types a Vite build produces', () => {
    expect(contentTypeOf('a.js')).toMatch(/^text\/javascript/);
    expect(contentTypeOf('a.CSS')).toMatch(/^text\/css/);
    expect(contentTypeOf('a.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('a.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a.bin')).toBe('application/octet-stream');
  });
});

describe('the console served by the local API', () => {
  let root: string;
  let url: string;
  let close: () => Promise<void>;
  const invoked: string[] = [];

  beforeAll(async () => {
    // Prepare: a built console, and a secret next to it that no URL may reach.
    root = mkdtempSync(path.join(os.tmpdir(), 'anju-console-'));
    const dist = path.join(root, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dist, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'assets', 'style-Zz9_-xYw.css'), 'body{}');
    writeFileSync(path.join(dist, 'assets', 'plain.txt'), 'not hashed');
    writeFileSync(path.join(root, 'secret.txt'), 'secret');
    const server = await startApiServer(
      {
        routes: [route('GET /health', 'HealthFn'), route('GET /assets/{id}/report', 'ReportFn')],
        identity: createIdentityProvider({ dataDir: path.join(root, 'identity') }),
        devUsers: [],
        lambdas: {
          invoke: async (name) => {
            invoked.push(name);
            return { statusCode: 200, body: JSON.stringify({ name }) };
          },
        },
        site: consoleSite({ distDir: dist, missingPage: () => 'missing' }),
      },
      0,
    );
    url = `http://127.0.0.1:${server.port}`;
    close = server.close;
  });
  afterAll(async () => {
    await close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at / and revalidates it', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>console</title>');
  });

  it('serves hashed assets with their type and a year of caching', async () => {
    const script = await fetch(`${url}/assets/index-AbCd1234.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log(1)');
    const style = await fetch(`${url}/assets/style-Zz9_-xYw.css`);
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
    const plain = await fetch(`${url}/assets/plain.txt`);
    expect(plain.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await fetch(`${url}/assets/index-AbCd1234.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('console.log(1)'.length));
    expect(await head.text()).toBe('');
  });

  it('serves the local config: same-origin API, local login', async () => {
    const config = await fetch(`${url}/config.json`);
    expect(config.headers.get('content-type')).toBe('application/json');
    expect(await config.json()).toEqual({ apiUrl: '', auth: 'local' });
  });

  it('answers 404 for a missing asset and for traversal attempts, never the file outside', async () => {
    expect((await fetch(`${url}/assets/nothing-AbCd1234.js`)).status).toBe(404);
    for (const attempt of [
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%5C..%5Csecret.txt',
    ]) {
      const answer = await fetch(`${url}${attempt}`);
      expect(answer.status, attempt).toBe(404);
      expect(await answer.text()).not.toContain('secret');
    }
  });

  it('serves only GET and HEAD, and nothing outside /, /assets/ and /config.json', async () => {
    expect((await fetch(`${url}/config.json`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/secret.txt`)).status).toBe(404);
    expect((await fetch(`${url}/dist/index.html`)).status).toBe(404);
  });

  it('never shadows an API route', async () => {
    const answer = await fetch(`${url}/assets/a1/report`);
    expect(await answer.json()).toEqual({ name: 'ReportFn' });
    expect(invoked).toContain('ReportFn');
  });

  it('shows the message page while the console is not built', async () => {
    const site = consoleSite({ distDir: path.join(root, 'no-dist'), missingPage: () => 'run npm run build:console' });
    const answer = await site('GET', '/');
    expect(answer?.status).toBe(503);
    expect(answer?.body.toString()).toBe('run npm run build:console');
    expect((await site('GET', '/assets/index-AbCd1234.js'))?.status).toBe(404);
  });
});
