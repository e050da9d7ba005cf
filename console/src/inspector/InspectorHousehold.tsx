import { Card, Empty, Tag, Typography } from 'antd';
import { EVENT_TITLES, PHASE_TITLES } from '../../../domain/labels';
import type { HouseholdFile } from '../api/types';
import { usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { ActionForm } from '../households/ActionForm';
import { availableActions } from '../households/availableActions';
import { PhotoCards } from '../households/HouseholdFilePage';
import { useMe } from '../layout/UserContext';

/** The picked household on the inspector's phone: who and where, the inspection or acceptance to sign, its photos. */
export function InspectorHousehold({
  file,
  onDone,
  onPhoto,
}: {
  file: HouseholdFile;
  onDone: (file: HouseholdFile) => void;
  onPhoto: () => void;
}) {
  const words = useWords();
  const { t } = words;
  const me = useMe();
  const places = usePlaces([file.household.programId]);
  const actions = availableActions(file, me.roles).filter((a) => a === 'inspect' || a === 'accept');
  return (
    <>
      <Card size="small">
        <Typography.Text strong>{file.household.head.name}</Typography.Text>{' '}
        <Tag color="blue" data-testid="household-phase" data-phase={file.phase}>
          {words.label(PHASE_TITLES, file.phase)}
        </Tag>
        <div>
          {places.place(file.household.villageCode)}{' '}
          <Typography.Text type="secondary">{words.reference(file.householdId)}</Typography.Text>
        </div>
      </Card>
      {actions.length === 0 && <Empty description={t('file.noTask')} />}
      {actions.map((action) => (
        <Card key={action} size="small" title={words.label(EVENT_TITLES, action)}>
          <ActionForm action={action} file={file} onDone={onDone} onPhoto={onPhoto} />
        </Card>
      ))}
      <Card size="small" title={t('file.photos')}>
        <PhotoCards photos={file.photos.filter((p) => p.status === 'confirmed' && p.step === file.phase)} />
      </Card>
    </>
  );
}
