/**
 * The console's platform on the local stack: the built console and its config at the API's own
 * origin, the public notice list it shows, and browser uploads from that origin straight to the
 * local S3 (CORS preflight, then the presigned PUT), as from CloudFront to S3 on AWS.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApplication, demoProgram, exampleActionBody } from '../../contract/examples';
import { maskIdNumber } from '../../domain/rules/idNumber';
import { api } from '../../tools/api-client/client';
import { driveTo, householdFile, registerHousehold } from '../../tools/api-client/household-driver';
import { type Staff, staffFor } from '../../tools/api-client/staff';
import { sha256Hex } from '../../tools/demo/exif-jpeg';
import { type RunningStack, startStack } from '../../twin/stack-process';

type NoticeItem = Record<string, unknown> & { householdId: string };
type Upload = { photoId: string; upload: { url: string; method: string; headers: Record<string, string> } };

const application = demoApplication(31);
let stack: RunningStack;
let users: Staff;
let householdId = '';

beforeAll(async () => {
  // What `npm test` does first: the console is served from its build.
  const built = spawnSync(process.execPath, ['scripts/ensure-console.mjs'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the console did not build: ${built.stderr}`);
  // Real waits: the household stays in its 7-day public notice during the test.
  stack = await startStack({ fastWaits: false });
  users = await staffFor(stack.url, application.villageCode);
  householdId = await registerHousehold(stack.url, users, application);
  await driveTo(stack.url, users, householdId, 'public-notice');
  const { version } = await householdFile(stack.url, users.civil.token, householdId);
  const objection = await api(stack.url, users.civil.token).post(
    `/households/${householdId}/actions/object`,
    exampleActionBody('object', version),
  );
  if (objection.status !== 200) throw new Error(`the objection answered ${objection.status}`);
}, 240_000);

afterAll(async () => {
  await stack?.discard();
});

describe('the console on the local stack', () => {
  it('serves the built console at / with its assets, and the local config', async () => {
    const page = await fetch(`${stack.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.url}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);

    expect(await (await fetch(`${stack.url}/config.json`)).json()).toEqual({ apiUrl: '', auth: 'local' });
  });

  it("lists the village's noticed household with its name, masked ID number and objection", async () => {
    const answer = await api(stack.url, users.civil.token).get<{ items: NoticeItem[] }>(
      `/notices?village=${application.villageCode}`,
    );

    expect(answer.status).toBe(200);
    const item = answer.body.items.find((entry) => entry.householdId === householdId);
    const village = demoProgram.townships.flatMap((t) => t.villages).find((v) => v.code === application.villageCode);
    expect(item).toMatchObject({
      headName: application.head.name,
      idNumberMasked: maskIdNumber(application.head.idNumber),
      village: village?.name,
      category: application.category,
      phase: 'public-notice',
      objections: 1,
    });
    expect(item?.subsidyFen).toBeGreaterThan(0);
    expect(Date.parse(String(item?.noticeEndsAt)) - Date.parse(String(item?.noticeStartsAt))).toBe(
      demoProgram.noticeDays * 86_400_000,
    );
    expect(JSON.stringify(answer.body)).not.toContain(application.head.idNumber);
  });

  it('refuses the notice list of another township', async () => {
    const other = demoProgram.townships.find((t) => !application.villageCode.startsWith(t.code));
    const answer = await api(stack.url, users.civil.token).get(`/notices?township=${other?.code}`);
    expect(answer.status).toBe(403);
  });

  it("lets the console's origin upload a photo from the browser: preflight, then the presigned PUT", async () => {
    const photo = new TextEncoder().encode('not really a jpeg, but the bytes the browser sends');
    const requested = await api(stack.url, users.construction.token).post<Upload>(`/households/${householdId}/photos`, {
      step: 'public-notice',
      kind: 'before',
      contentType: 'image/jpeg',
      size: photo.length,
      sha256: sha256Hex(photo),
    });
    expect(requested.status).toBe(201);
    const { url, method, headers } = requested.body.upload;
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': Object.keys(headers).join(','),
        },
      });

    const allowed = await preflight(stack.url);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(['*', stack.url]).toContain(allowed.headers.get('access-control-allow-origin'));
    expect((await preflight('http://elsewhere.test')).status).toBe(403);

    const uploaded = await fetch(url, { method, headers: { ...headers, origin: stack.url }, body: photo });
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get('access-control-allow-origin')).toBe(stack.url);
    expect(uploaded.headers.get('access-control-expose-headers')).toContain('ETag');
  });
});
