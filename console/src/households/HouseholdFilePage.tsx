import { PictureOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Image,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { AuditEvent } from '../../../domain/model';
import { getJson } from '../api/client';
import { type HouseholdFile, type PaymentView, type PhotoView, yuan } from '../api/types';
import { useLoad } from '../common/hooks';
import { useMe } from '../layout/UserContext';
import { ActionForm } from './ActionForm';
import { availableActions } from './availableActions';

const PHOTO_GROUPS = [
  { key: 'before', kinds: ['before'] },
  { key: 'during', kinds: ['during'] },
  { key: 'after', kinds: ['after', 'after-with-head'] },
] as const;

/** A few facts of an event's details worth reading at a glance (never the whole record). */
function summary(details: Record<string, unknown>, t: TFunction): string {
  return Object.entries(details)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .slice(0, 6)
    .map(([key, value]) => `${t(`fields.${key}`, { defaultValue: key })}: ${String(value)}`)
    .join(' · ');
}

export function PhotoCards({ photos }: { photos: readonly PhotoView[] }) {
  const { t } = useTranslation();
  if (photos.length === 0) return <Empty description={t('file.noPhotos')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <div className="photo-grid">
      {photos.map((photo) => (
        <Card
          key={photo.photoId}
          size="small"
          className="photo-card"
          data-testid={`photo-${photo.photoId}`}
          cover={
            photo.previewUrl ? (
              <Image
                src={photo.previewUrl}
                alt={t(`photoKinds.${photo.kind}`)}
                height={120}
                style={{ objectFit: 'cover' }}
                preview={photo.originalUrl ? { src: photo.originalUrl } : true}
              />
            ) : (
              <div className="photo-placeholder">
                <PictureOutlined />
              </div>
            )
          }
        >
          <Space orientation="vertical" size={2}>
            <Typography.Text strong>{t(`photoKinds.${photo.kind}`)}</Typography.Text>
            <Typography.Text type="secondary">
              {t('file.capturedAt')}: {photo.capturedAt ? dayjs(photo.capturedAt).format('YYYY-MM-DD HH:mm') : '-'}
            </Typography.Text>
            <div>
              {photo.flags.length === 0 ? (
                <Tag color="green">{t('file.noFlags')}</Tag>
              ) : (
                photo.flags.map((flag) => (
                  <Tag color="orange" key={flag} data-testid="photo-flag">
                    {t(`flags.${flag}`, { defaultValue: flag })}
                  </Tag>
                ))
              )}
            </div>
          </Space>
        </Card>
      ))}
    </div>
  );
}

export function HouseholdFilePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const loaded = useLoad(() => getJson<HouseholdFile>(`/households/${encodeURIComponent(id)}`), [id]);
  // The answer of an action is the updated file: shown at once, without waiting for a reload.
  const [latest, setLatest] = useState<HouseholdFile>();
  const file = latest?.householdId === id && latest.version >= (loaded.data?.version ?? -1) ? latest : loaded.data;

  if (!file) {
    return <Card>{loaded.error ? <Alert type="error" title={loaded.error} /> : <Skeleton active />}</Card>;
  }
  const { household } = file;
  const actions = availableActions(file, me.roles);

  const timelineItems = file.timeline.map((event: AuditEvent) => ({
    key: event.seq,
    color: event.type === 'register' ? 'blue' : 'green',
    title: dayjs(event.at).format('YYYY-MM-DD HH:mm'),
    content: (
      <div data-testid={`timeline-${event.type}`}>
        <Typography.Text strong>{t(`file.events.${event.type}`, { defaultValue: event.type })}</Typography.Text>{' '}
        {event.toPhase && <Tag>{t(`phases.${event.toPhase}`)}</Tag>}
        <div>
          {t('file.signedBy')}: {event.actor} ({t(`roles.${event.role}`)})
        </div>
        <Typography.Text type="secondary">{summary(event.details, t)}</Typography.Text>
      </div>
    ),
  }));

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={
          <span>
            {t('file.title')} {file.householdId} · {household.head.name}
          </span>
        }
        extra={<Button onClick={loaded.reload}>{t('common.refresh')}</Button>}
      >
        <Space wrap>
          <Tag color="blue" data-testid="household-phase" data-phase={file.phase}>
            {t(`phases.${file.phase}`)}
          </Tag>
          <span data-testid="household-version">
            {t('file.version')} {file.version}
          </span>
          {file.task?.role && <Tag>{t('file.pendingFor', { role: t(`roles.${file.task.role}`) })}</Tag>}
          {file.task?.overdue && <Tag color="red">{t('work.overdue')}</Tag>}
        </Space>
        {household.rejection && (
          <Alert
            type="warning"
            style={{ marginTop: 12 }}
            title={`${t('file.rejection')}: ${household.rejection.reason} (${household.rejection.by})`}
          />
        )}
      </Card>

      {actions.map((action) => (
        <Card
          key={action}
          title={`${t('file.action')}: ${t(`actions.${action}`)}`}
          data-testid={`action-card-${action}`}
        >
          <ActionForm action={action} file={file} onDone={setLatest} onPhoto={() => loaded.reload()} />
        </Card>
      ))}

      <Card>
        <Tabs
          items={[
            {
              key: 'data',
              label: t('file.data'),
              children: (
                <Descriptions
                  bordered
                  size="small"
                  column={{ xs: 1, sm: 2, lg: 3 }}
                  items={[
                    { key: 'head', label: t('households.head'), children: household.head.name },
                    { key: 'id', label: t('households.idNumber'), children: household.head.idNumber },
                    { key: 'phone', label: t('households.phone'), children: household.head.phone ?? '-' },
                    {
                      key: 'category',
                      label: t('households.category'),
                      children: t(`categories.${household.category}`),
                    },
                    { key: 'village', label: t('households.village'), children: household.villageCode },
                    { key: 'township', label: t('households.township'), children: household.township },
                    {
                      key: 'house',
                      label: t('register.structure'),
                      children: `${t(`structures.${household.house.structure}`)} · ${household.house.areaM2} m²`,
                    },
                    { key: 'site', label: t('register.site'), children: t(`sites.${household.site}`) },
                    { key: 'grade', label: t('file.grade'), children: household.grade ?? '-' },
                    {
                      key: 'mode',
                      label: t('file.mode'),
                      children: household.mode ? t(`modes.${household.mode}`) : '-',
                    },
                    {
                      key: 'subsidy',
                      label: t('file.subsidy'),
                      children:
                        household.approvedSubsidy === undefined
                          ? '-'
                          : `${yuan(household.approvedSubsidy)} ${t('common.yuan')}`,
                    },
                    {
                      key: 'members',
                      label: t('file.members'),
                      children: household.members.map((m) => `${m.name}（${m.relation}）`).join('、') || '-',
                    },
                  ]}
                />
              ),
            },
            {
              key: 'timeline',
              label: t('file.timeline'),
              children: <Timeline items={timelineItems} data-testid="timeline" />,
            },
            {
              key: 'photos',
              label: `${t('file.photos')} (${file.photos.length})`,
              children: (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {PHOTO_GROUPS.map((group) => (
                    <div key={group.key} data-testid={`photos-${group.key}`}>
                      <Typography.Title level={5}>{t(`photoKinds.${group.key}`)}</Typography.Title>
                      <PhotoCards
                        photos={file.photos.filter(
                          (p) => p.status === 'confirmed' && (group.kinds as readonly string[]).includes(p.kind),
                        )}
                      />
                    </div>
                  ))}
                </Space>
              ),
            },
            {
              key: 'payments',
              label: t('file.payments'),
              children: (
                <Table<PaymentView>
                  rowKey="installment"
                  size="small"
                  pagination={false}
                  dataSource={file.payments}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: t('file.noPayments') }}
                  columns={[
                    { title: t('file.installment'), dataIndex: 'installment', render: (n: number) => n + 1 },
                    { title: t('file.amount'), dataIndex: 'amount', render: (fen: number) => yuan(fen) },
                    {
                      title: t('file.status'),
                      dataIndex: 'status',
                      render: (status: string, p) =>
                        p.approvedBy && status === 'released' ? t('payments.approved') : t(`payments.${status}`),
                    },
                    { title: t('file.reference'), dataIndex: 'reference' },
                    {
                      title: t('file.releasedAt'),
                      dataIndex: 'releasedAt',
                      render: (at: string, p) => `${dayjs(at).format('YYYY-MM-DD HH:mm')} ${p.releasedBy}`,
                    },
                    { title: t('file.approvedBy'), dataIndex: 'approvedBy', render: (by?: string) => by ?? '-' },
                  ]}
                />
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
