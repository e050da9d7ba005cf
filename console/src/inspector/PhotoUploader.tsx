import { CameraOutlined, CloudSyncOutlined } from '@ant-design/icons';
import { Alert, Button, Progress, Select, Space, Typography } from 'antd';
import { useEffect, useId, useRef, useState } from 'react';
import type { PhotoKind, RecordedPhoto } from '../api/types';
import { pick } from '../common/errors';
import { useWords } from '../common/words';
import { photoQueue } from './photo-queue';
import type { QueuedPhoto } from './queue';

function percentOf(item: QueuedPhoto): number {
  switch (item.stage) {
    case 'compressing':
    case 'queued':
      return 0;
    case 'requested':
      return Math.min(95, item.percent ?? 5);
    case 'uploaded':
      return 97;
    case 'confirmed':
      return 100;
    default:
      return item.percent ?? 0;
  }
}

function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  if (/\.png$/i.test(file.name)) return 'image/png';
  if (/\.hei[cf]$/i.test(file.name)) return 'image/heic';
  return 'image/jpeg';
}

/** Seconds until the next attempt, refreshed every second while something waits. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * Takes or chooses photos on a phone (`capture="environment"` opens the rear camera), keeps them
 * in the phone's queue and shows each one's progress, its retries and a manual retry. The queue
 * goes on when the page is closed and opened again.
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
  const { t, language } = useWords();
  const input = useRef<HTMLInputElement>(null);
  const kindLabel = useId();
  const [kind, setKind] = useState<PhotoKind>(kinds[0] ?? 'during');
  const [items, setItems] = useState<readonly QueuedPhoto[]>([]);
  const [offline, setOffline] = useState(typeof navigator !== 'undefined' && !navigator.onLine);
  const uploaded = useRef(onUploaded);
  uploaded.current = onUploaded;

  useEffect(() => {
    const queue = photoQueue();
    return queue.subscribe((all, confirmed) => {
      setItems(all.filter((item) => item.householdId === householdId && item.step === step));
      if (confirmed?.photo && confirmed.householdId === householdId) uploaded.current(confirmed.photo);
    });
  }, [householdId, step]);

  useEffect(() => {
    const update = () => setOffline(!navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  const waiting = items.some((item) => item.error?.kind === 'network' && item.stage !== 'confirmed');
  const now = useNow(waiting);

  async function take(files: FileList | null) {
    const chosen = Array.from(files ?? []);
    if (input.current) input.current.value = '';
    if (chosen.length === 0) return;
    await photoQueue().add(
      chosen.map((file) => ({ blob: file, name: file.name, contentType: contentTypeOf(file) })),
      { householdId, step, kind },
    );
  }

  function describe(item: QueuedPhoto): string {
    if (item.stage === 'failed') {
      const reason = item.error?.message
        ? pick(item.error.message, language === 'en' ? 'en' : 'zh-CN')
        : t('errors.unexpected');
      return t('inspector.failed', { reason });
    }
    if (item.stage === 'confirmed') return t('inspector.uploaded');
    if (item.error?.kind === 'network') {
      if (offline) return t('inspector.offline');
      return t('inspector.waiting', {
        attempt: item.attempts,
        seconds: Math.max(0, Math.ceil((item.nextAttemptAt - now) / 1000)),
      });
    }
    switch (item.stage) {
      case 'compressing':
        return t('inspector.compressing');
      case 'queued':
        return t('inspector.requesting');
      case 'requested':
        return t('inspector.uploading');
      case 'uploaded':
        return t('inspector.confirming');
    }
  }

  const pending = items.filter((item) => item.stage !== 'confirmed');
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {kinds.length > 1 && (
          <>
            <span id={kindLabel}>{t('inspector.photoKind')}</span>
            <Select<PhotoKind>
              value={kind}
              onChange={setKind}
              style={{ minWidth: 180 }}
              aria-labelledby={kindLabel}
              options={kinds.map((k) => ({ value: k, label: t(`photoKinds.${k}`) }))}
              data-testid="photo-kind"
            />
          </>
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
          hidden
          aria-label={t('inspector.take')}
          data-testid="photo-input"
          onChange={(event) => void take(event.target.files)}
        />
      </Space>
      {pending.length > 0 && (
        <Alert
          type={offline ? 'warning' : 'info'}
          showIcon
          icon={<CloudSyncOutlined />}
          title={t('inspector.keptHint')}
        />
      )}
      <div aria-live="polite" data-testid="upload-queue">
        {items.map((item) => (
          <div key={item.id} data-testid="upload-item" data-stage={item.stage} className="upload-item">
            <Typography.Text ellipsis>{item.name}</Typography.Text>
            <Progress
              percent={percentOf(item)}
              size="small"
              status={item.stage === 'failed' ? 'exception' : item.stage === 'confirmed' ? 'success' : 'active'}
              aria-label={item.name}
            />
            <Space wrap>
              <Typography.Text type={item.stage === 'failed' ? 'danger' : 'secondary'} data-testid="upload-status">
                {describe(item)}
              </Typography.Text>
              {item.stage !== 'confirmed' && (item.stage === 'failed' || item.error) && (
                <Button size="small" onClick={() => void photoQueue().retryNow(item.id)} data-testid="upload-retry">
                  {t('inspector.retryNow')}
                </Button>
              )}
              {item.stage === 'failed' && (
                <Button size="small" danger onClick={() => void photoQueue().remove(item.id)}>
                  {t('inspector.remove')}
                </Button>
              )}
            </Space>
          </div>
        ))}
      </div>
    </Space>
  );
}
