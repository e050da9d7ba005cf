import { CameraOutlined } from '@ant-design/icons';
import { Button, Progress, Select, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhotoKind, RecordedPhoto } from '../api/types';
import { errorSentence } from '../common/errors';
import { type UploadState, uploadPhoto } from './upload';

interface Item {
  key: string;
  name: string;
  state: UploadState;
}

function percentOf(state: UploadState): number {
  if (state.stage === 'uploading') return state.percent;
  if (state.stage === 'confirming' || state.stage === 'done') return 100;
  return 0;
}

/**
 * Takes or chooses photos on a phone (`capture="environment"` opens the rear camera) and uploads each
 * one through its presigned URL, showing the progress, the retries and the outcome of each file.
 */
export function PhotoUploader({
  householdId,
  step,
  kinds,
  onUploaded,
}: {
  householdId: string;
  step: string;
  kinds: readonly PhotoKind[];
  onUploaded: (photo: RecordedPhoto) => void;
}) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<PhotoKind>(kinds[0] ?? 'during');
  const [items, setItems] = useState<Item[]>([]);

  const update = (key: string, state: UploadState) =>
    setItems((previous) => previous.map((item) => (item.key === key ? { ...item, state } : item)));

  async function send(files: FileList | null) {
    const chosen = Array.from(files ?? []);
    if (input.current) input.current.value = '';
    const queued = chosen.map((file) => ({ key: `${Date.now()}-${Math.random()}`, name: file.name, file }));
    setItems((previous) => [
      ...previous,
      ...queued.map(({ key, name }): Item => ({ key, name, state: { stage: 'hashing' } })),
    ]);
    // One at a time: a weak village network does better with one upload than with several.
    for (const { key, file } of queued) {
      try {
        onUploaded(await uploadPhoto(householdId, step, kind, file, (state) => update(key, state)));
      } catch {
        // The item shows the failure.
      }
    }
  }

  function describe(state: UploadState): string {
    switch (state.stage) {
      case 'hashing':
        return t('inspector.hashing');
      case 'uploading':
        return t('inspector.uploading');
      case 'retrying':
        return t('inspector.retrying', { attempt: state.attempt, seconds: state.seconds });
      case 'confirming':
        return t('inspector.confirming');
      case 'done':
        return t('inspector.uploaded');
      case 'failed':
        return `${t('inspector.failed')}: ${errorSentence(state.error, t, i18n.language)}`;
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {kinds.length > 1 && (
          <Select<PhotoKind>
            value={kind}
            onChange={setKind}
            style={{ minWidth: 160 }}
            options={kinds.map((k) => ({ value: k, label: t(`photoKinds.${k}`) }))}
            data-testid="photo-kind"
          />
        )}
        <Button type="primary" icon={<CameraOutlined />} size="large" onClick={() => input.current?.click()}>
          {t('inspector.take')}
        </Button>
        <input
          ref={input}
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          style={{ display: 'none' }}
          data-testid="photo-input"
          onChange={(event) => void send(event.target.files)}
        />
      </Space>
      {items.map((item) => (
        <div key={item.key} data-testid="upload-item" data-stage={item.state.stage}>
          <Typography.Text ellipsis>{item.name}</Typography.Text>
          <Progress
            percent={percentOf(item.state)}
            size="small"
            status={item.state.stage === 'failed' ? 'exception' : item.state.stage === 'done' ? 'success' : 'active'}
          />
          <Typography.Text type={item.state.stage === 'failed' ? 'danger' : 'secondary'} data-testid="upload-status">
            {describe(item.state)}
          </Typography.Text>
        </div>
      ))}
    </Space>
  );
}
