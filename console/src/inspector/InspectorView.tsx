import { Alert, Card, Select, Skeleton, Space } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { householdReference, PHASE_TITLES } from '../../../domain/labels';
import type { Phase } from '../../../domain/model';
import { getJson } from '../api/client';
import type { HouseholdFile } from '../api/types';
import { useLoad } from '../common/hooks';
import { rememberHousehold, useHouseholds, usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { byUrgency, loadAllTasks } from '../work/tasks';

// The household's part (the action forms, the photo queue and its compression) is its own chunk: the picker, the
// screen a phone opens first, does not wait for it.
const InspectorHousehold = lazy(async () => ({ default: (await import('./InspectorHousehold')).InspectorHousehold }));

const FIELD_STEPS: readonly Phase[] = ['milestone-inspection', 'final-acceptance'];

/**
 * The inspector's screen, made for a phone in a village: pick the household, photograph the works
 * (the photos wait on the phone until they are uploaded), then sign the inspection or acceptance.
 */
export function InspectorView() {
  const { id } = useParams();
  const navigate = useNavigate();
  const words = useWords();
  const { t } = words;
  const tasks = useLoad(async () => {
    const all = await Promise.all(FIELD_STEPS.map((step) => loadAllTasks(step)));
    return all.flat().sort(byUrgency);
  }, []);
  const file = useLoad(
    () => (id ? getJson<HouseholdFile>(`/households/${encodeURIComponent(id)}`) : Promise.resolve(undefined)),
    [id],
  );
  const [latest, setLatest] = useState<HouseholdFile>();
  const current =
    latest && latest.householdId === id && latest.version >= (file.data?.version ?? -1) ? latest : file.data;
  const places = usePlaces([current?.household.programId]);
  const households = useHouseholds((tasks.data ?? []).filter((task) => !task.headName).map((task) => task.householdId));
  useEffect(() => {
    if (current) rememberHousehold(current.household);
  }, [current]);

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card title={t('inspector.title')} size="small">
        {tasks.error && <Alert type="error" title={tasks.error} style={{ marginBottom: 12 }} />}
        <Select
          style={{ width: '100%' }}
          size="large"
          value={id}
          aria-label={t('inspector.pick')}
          placeholder={t('inspector.pickPlaceholder')}
          loading={tasks.loading}
          notFoundContent={t('inspector.nothing')}
          onChange={(value: string) => navigate(`/inspector/${value}`)}
          data-testid="inspector-pick"
          showSearch={{ optionFilterProp: 'label' }}
          options={(tasks.data ?? []).map((task) => {
            const known = households(task.householdId);
            const name = task.headName ?? known?.headName;
            const village = task.villageCode ?? known?.villageCode;
            const who = name ? `${name} · ${places.place(village)}` : householdReference(task.householdId);
            return {
              value: task.householdId,
              label: `${who} · ${words.label(PHASE_TITLES, task.step)}${task.overdue ? ` · ${t('work.overdue')}` : ''}`,
            };
          })}
        />
      </Card>
      {id && !current && <Card>{file.error ? <Alert type="error" title={file.error} /> : <Skeleton active />}</Card>}
      {current && (
        <Suspense fallback={<Skeleton active />}>
          <InspectorHousehold file={current} onDone={setLatest} onPhoto={() => file.reload()} />
        </Suspense>
      )}
    </Space>
  );
}
