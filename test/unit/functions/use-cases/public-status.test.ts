/**
 * The household's own view against a store in memory: the limits are asked before anything is read, a refusal and
 * a mismatch are logged with the ID number masked, a match shows only the household's own masked file.
 */
import { describe, expect, it } from 'vitest';
import { demoApplication, demoProgram } from '../../../../contract/examples';
import { buildOpenApiDocument } from '../../../../contract/openapi';
import { newHousehold } from '../../../../domain/rules/household';
import type { LookupLogEntry, Store } from '../../../../functions/store';
import { lookupStatus } from '../../../../functions/use-cases/monitoring/public-status';

const application = demoApplication(1);
const household = {
  ...newHousehold(application, demoProgram, { householdId: 'hh-1', now: '2026-03-01T00:00:00.000Z' }),
  phase: 'milestone-inspection' as const,
  approvedSubsidy: 3_000_000,
  nextInstallment: 1,
};
const CODE = '04821736';

function storeWith(options: { allow?: (scope: string) => boolean } = {}) {
  const counted: string[] = [];
  const log: LookupLogEntry[] = [];
  const reads: string[] = [];
  const store = {
    statusLookups: {
      countLookup: async (scope: string) => {
        counted.push(scope);
        return options.allow ? options.allow(scope) : true;
      },
      logLookup: async (entry: LookupLogEntry) => {
        log.push(entry);
      },
      householdOfIdHash: async () => {
        reads.push('claim');
        return 'hh-1';
      },
      statusCode: async () => ({ householdId: 'hh-1', code: CODE, issuedAt: '', issuedBy: 'he.zhujian', reissues: 0 }),
    },
    households: { record: async () => ({ household, lastHash: '' }) },
    programs: { get: async () => demoProgram },
    payments: { ofHousehold: async () => [] },
    tasks: { get: async () => undefined },
  } as unknown as Store;
  return { store, counted, log, reads };
}

const request = { sourceIp: '203.0.113.9', requestId: 'req-1' };
const body = { idNumber: application.head.idNumber, name: application.head.name, code: CODE };

describe('the household’s own view', () => {
  it('shows the household its own file when ID number, name and code match, and logs it masked', async () => {
    const { store, counted, log } = storeWith();
    const status = await lookupStatus({ store }, body, request);
    expect(counted).toEqual(['source', 'id-number']);
    expect(status.phase.code).toBe('milestone-inspection');
    expect(status.head.idNumber).not.toBe(application.head.idNumber);
    expect(log).toEqual([
      expect.objectContaining({ outcome: 'found', householdId: 'hh-1', idMasked: expect.stringContaining('********') }),
    ]);
    expect(JSON.stringify(log)).not.toContain(application.head.idNumber);
    expect(JSON.stringify(log)).not.toContain(request.sourceIp);
  });

  it('answers a wrong code and a wrong name with the same 404, and logs both', async () => {
    const { store, log } = storeWith();
    const wrongCode = lookupStatus({ store }, { ...body, code: '04821737' }, request);
    await expect(wrongCode).rejects.toMatchObject({ name: 'NotFoundError' });
    const wrongName = lookupStatus({ store }, { ...body, name: '别人' }, request);
    await expect(wrongName).rejects.toMatchObject({ name: 'NotFoundError' });
    const [a, b] = await Promise.allSettled([wrongCode, wrongName]);
    expect(
      a?.status === 'rejected' &&
        b?.status === 'rejected' &&
        (a.reason as Error).message === (b.reason as Error).message,
    ).toBe(true);
    expect(log.map((e) => e.outcome)).toEqual(['no-match', 'no-match']);
  });

  it('refuses before reading anything when the source or the ID number is over its limit', async () => {
    for (const over of ['source', 'id-number']) {
      const { store, log, reads } = storeWith({ allow: (scope) => scope !== over });
      await expect(lookupStatus({ store }, body, request)).rejects.toMatchObject({ name: 'TooManyRequestsError' });
      expect(reads).toEqual([]);
      expect(log.map((e) => e.outcome)).toEqual([over === 'source' ? 'limited-source' : 'limited-id-number']);
    }
  });

  it('is described as callable without a token (security: []) in the OpenAPI document', () => {
    const document = buildOpenApiDocument() as unknown as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(document.paths['/public/status']?.post?.security).toEqual([]);
    expect(document.paths['/monitoring/rosters']?.post?.security).toEqual([{ bearer: [] }]);
  });
});
