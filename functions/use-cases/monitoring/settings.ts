/**
 * The county's monitoring settings (`GET` / `PUT /monitoring/settings/{county}`): the day checks fall due, the
 * categories the county names besides the usual ones, and the working days for measures and closings. Any staff of
 * the county read them; county civil affairs or an administrator set them.
 */

import type { MonitoringSettingsView } from '../../../contract/monitoring';
import { ForbiddenError } from '../../../domain/errors';
import type { Actor } from '../../../domain/model';
import type { SettingsBody } from '../../../domain/monitoring/actions';
import { MonitoringSettings } from '../../../domain/monitoring/model';
import { canRead, isCountyLevel } from '../../../domain/rules/access';
import type { Dependencies } from '../dependencies';
import { settingsOf } from './common';

async function withPlaces(store: Dependencies['store'], settings: MonitoringSettings): Promise<MonitoringSettingsView> {
  const program = (await store.programs.ofCounty(settings.county))[0];
  return {
    ...settings,
    places: (program?.townships ?? []).map((t) => ({
      code: t.code,
      name: t.name,
      villages: t.villages.map((v) => ({ code: v.code, name: v.name })),
    })),
    ...(program ? { latestProgram: { programId: program.programId, name: program.name } } : {}),
  };
}

export async function readSettings(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  county: string,
): Promise<MonitoringSettingsView> {
  const access = canRead(actor, { county, township: actor.township ?? '' });
  if (!access.ok) throw access.error;
  return withPlaces(store, await settingsOf(store, county));
}

export async function putSettings(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  county: string,
  body: SettingsBody,
  now: Date = new Date(),
): Promise<MonitoringSettingsView> {
  const mayWrite =
    actor.county === county && isCountyLevel(actor) && actor.roles.some((r) => r === 'civil-affairs' || r === 'admin');
  if (!mayWrite) {
    throw new ForbiddenError({
      zh: '监测设置由本县民政部门或系统管理员设置',
      en: "The county's civil affairs or an administrator set the monitoring settings",
    });
  }
  const settings = MonitoringSettings.parse({ ...(await settingsOf(store, county)), ...body, county });
  await store.monitoring.putSettings(settings, actor.username, now.toISOString());
  return withPlaces(store, settings);
}
