/**
 * Program configuration (quota, townships and villages, subsidy tiers, installment plan,
 * deadlines): admins of the county write it; anyone with a role in the county reads it.
 */
import type { RebuildAnswer } from '../../contract/views';
import { ForbiddenError, NotFoundError, parseOrThrow, ValidationError } from '../../domain/errors';
import { type Actor, ProgramConfig } from '../../domain/model';
import { canRead } from '../../domain/rules/access';
import type { Dependencies } from './dependencies';
import { townshipInCounty } from './read-households';

function notFound(programId: string): NotFoundError {
  return new NotFoundError({ zh: `改造项目 ${programId} 不存在`, en: `There is no program ${programId}` });
}

type Needs = Pick<Dependencies, 'store'>;

export async function readProgram({ store }: Needs, actor: Actor, programId: string): Promise<ProgramConfig> {
  const program = await store.programs.get(programId);
  if (!program) throw notFound(programId);
  if (actor.roles.length === 0 || actor.county !== program.county.code) {
    throw new ForbiddenError({ zh: '该项目不在您所属的县', en: 'The program is outside your county' });
  }
  return program;
}

export async function writeProgram(
  { store }: Needs,
  actor: Actor,
  programId: string,
  body: unknown,
  now: Date = new Date(),
) {
  if (!actor.roles.includes('admin')) {
    throw new ForbiddenError({ zh: '只有管理员可以修改项目配置', en: 'Only an admin may change a program' });
  }
  const config = parseOrThrow(ProgramConfig, body);
  if (config.programId !== programId) {
    throw ValidationError.field('programId', {
      zh: `请求路径中的项目 ${programId} 与内容中的 ${config.programId} 不一致`,
      en: `The path names program ${programId} but the body ${config.programId}`,
    });
  }
  const access = canRead(actor, { county: config.county.code, township: actor.township ?? '' });
  if (!access.ok || actor.county !== config.county.code) {
    throw new ForbiddenError({ zh: '只能配置本县的项目', en: 'An admin configures programs of their own county only' });
  }
  const foreign = config.townships.findIndex((t) => !townshipInCounty(t.code, config.county.code));
  if (foreign >= 0) {
    throw ValidationError.field(`townships.${foreign}.code`, {
      zh: '乡镇代码须以本县代码开头',
      en: 'A township code starts with its county code',
    });
  }
  const existing = await store.programs.get(programId);
  if (existing && existing.county.code !== actor.county) {
    throw new ForbiddenError({ zh: '该项目属于其他县', en: 'The program belongs to another county' });
  }
  await store.programs.put(config, actor.username, now.toISOString());
  return config;
}

/**
 * `POST /programs/{programId}/progress-counters/rebuild`: an admin of the county recounts the
 * program's progress counters from its households (one GSI3 query per township), e.g. for data
 * stored before the counters existed. Run it while nobody acts on the program's households.
 */
export async function rebuildProgressCountersOf(
  { store }: Needs,
  actor: Actor,
  programId: string,
): Promise<RebuildAnswer> {
  const program = await store.programs.get(programId);
  if (!program) throw notFound(programId);
  if (!actor.roles.includes('admin') || actor.county !== program.county.code) {
    throw new ForbiddenError({ zh: '仅本县管理员可重建统计', en: 'Only an admin of the county rebuilds the counters' });
  }
  const rebuilt = await store.progress.rebuild(
    program.programId,
    program.townships.map((t) => t.code),
  );
  return {
    programId: program.programId,
    townships: [...rebuilt].map(([township, cells]) => ({ township, registered: cells.n ?? 0 })),
  };
}
