import { EyeOutlined, PictureOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Image,
  Input,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  CATEGORY_TITLES,
  EVENT_TITLES,
  FLAG_TITLES,
  GRADE_TITLES,
  householdReference,
  MODE_TITLES,
  PAYMENT_STATUS_TITLES,
  PHASE_TITLES,
  PHOTO_KIND_TITLES,
  ROLE_TITLES,
  SITE_TITLES,
  STRUCTURE_TITLES,
  UNKNOWN_FLAG,
} from '../../../domain/labels';
import type { AuditEvent } from '../../../domain/model';
import { getJson } from '../api/client';
import { revealField } from '../api/second-round';
import type { HouseholdFile, PaymentView, PhotoView } from '../api/types';
import { errorSentence } from '../common/errors';
import { maskIdNumber, maskPhone } from '../common/format';
import { useLoad } from '../common/hooks';
import { rememberHousehold, usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { useMe } from '../layout/UserContext';
import { StatusSlipLink } from '../public/StatusSlipLink';
import { ActionForm } from './ActionForm';
import { availableActions } from './availableActions';
import { FlagsCard } from './FlagsCard';
import { eventFacts, eventOutcome } from './timeline';

const PHOTO_GROUPS = [
  { key: 'before', kinds: ['before'] },
  { key: 'during', kinds: ['during'] },
  { key: 'after', kinds: ['after', 'after-with-head'] },
] as const;

export function PhotoCards({ photos }: { photos: readonly PhotoView[] }) {
  const words = useWords();
  const { t } = words;
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
                alt={words.label(PHOTO_KIND_TITLES, photo.kind)}
                height={120}
                style={{ objectFit: 'cover' }}
                preview={photo.originalUrl ? { src: photo.originalUrl } : true}
              />
            ) : (
              <div className="photo-placeholder" role="img" aria-label={words.label(PHOTO_KIND_TITLES, photo.kind)}>
                <PictureOutlined />
              </div>
            )
          }
        >
          <Space orientation="vertical" size={2}>
            <Typography.Text strong>{words.label(PHOTO_KIND_TITLES, photo.kind)}</Typography.Text>
            <Typography.Text type="secondary">
              {t('file.capturedAt')}: {words.time(photo.capturedAt)}
            </Typography.Text>
            <div>
              {photo.flags.length === 0 ? (
                <Tag color="green">{t('file.noFlags')}</Tag>
              ) : (
                photo.flags.map((flag) => (
                  <Tag color="orange" key={flag} data-testid="photo-flag">
                    {words.label(FLAG_TITLES, flag, UNKNOWN_FLAG[words.language])}
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

/** An ID number or phone, masked; the full number takes a reason and is recorded by the API. */
function Sensitive({
  householdId,
  field,
  value,
  onRevealed,
}: {
  householdId: string;
  field: 'idNumber' | 'phone';
  value: string | undefined;
  /** The reveal was recorded on the file (its version moved). */
  onRevealed: () => void;
}) {
  const { t, i18nLanguage } = useWords();
  const { modal, message } = App.useApp();
  const [shown, setShown] = useState<string>();
  const masked = field === 'idNumber' ? maskIdNumber(value) : maskPhone(value);
  if (!value) return <span>—</span>;
  function ask() {
    let reason = '';
    modal.confirm({
      title: t('households.revealTitle'),
      content: (
        <Form layout="vertical">
          <Form.Item label={t('households.revealReason')} required>
            <Input.TextArea rows={2} onChange={(event) => (reason = event.target.value)} data-testid="reveal-reason" />
          </Form.Item>
        </Form>
      ),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        if (reason.trim() === '') {
          void message.error(t('households.revealReasonRequired'));
          throw new Error('no reason');
        }
        try {
          const answer = await revealField(householdId, field, reason.trim());
          setShown(answer.value);
          void message.success(t('households.revealed'));
          // The reveal is an event of the file: its version moved, so forms must act on the new one.
          onRevealed();
        } catch (error) {
          void message.error(errorSentence(error, t, i18nLanguage));
        }
      },
    });
  }
  return (
    <Space size={4} wrap>
      <span data-testid={`sensitive-${field}`}>{shown ?? masked}</span>
      {!shown && (
        <Button size="small" type="link" icon={<EyeOutlined />} onClick={ask} data-testid={`reveal-${field}`}>
          {t('households.reveal')}
        </Button>
      )}
    </Space>
  );
}

export function HouseholdFilePage() {
  const { id = '' } = useParams();
  const words = useWords();
  const { t } = words;
  const me = useMe();
  const loaded = useLoad(() => getJson<HouseholdFile>(`/households/${encodeURIComponent(id)}`), [id]);
  // The answer of an action is the updated file: shown at once, without waiting for a reload.
  const [latest, setLatest] = useState<HouseholdFile>();
  const file = latest?.householdId === id && latest.version >= (loaded.data?.version ?? -1) ? latest : loaded.data;
  const places = usePlaces([file?.household.programId]);
  useEffect(() => {
    if (file) rememberHousehold(file.household);
  }, [file]);

  if (!file) {
    return <Card>{loaded.error ? <Alert type="error" title={loaded.error} /> : <Skeleton active />}</Card>;
  }
  const { household } = file;
  const actions = availableActions(file, me.roles);
  const program = places.program(household.programId);
  const milestoneLabel = (code: string) => program?.installments.find((i) => i.milestone === code)?.label;

  const timelineItems = file.timeline.map((event: AuditEvent) => {
    const outcome = eventOutcome(event, words);
    const facts = eventFacts(event, { words, place: places.place, milestoneLabel });
    return {
      key: event.seq,
      color: event.type === 'register' ? 'blue' : 'green',
      title: words.time(event.at),
      content: (
        <div data-testid={`timeline-${event.type}`}>
          <Typography.Text strong>{words.label(EVENT_TITLES, event.type, t('file.otherEvent'))}</Typography.Text>{' '}
          {outcome && <Tag color="blue">{outcome}</Tag>}
          {event.toPhase && event.toPhase !== event.fromPhase && <Tag>{words.label(PHASE_TITLES, event.toPhase)}</Tag>}
          <div>
            {t('file.signedBy')}: {event.actor} ({words.label(ROLE_TITLES, event.role)})
          </div>
          {facts.length > 0 && <Typography.Text type="secondary">{facts.join(' · ')}</Typography.Text>}
        </div>
      ),
    };
  });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={
          <span data-testid="household-title">
            {household.head.name} · {places.place(household.villageCode)}{' '}
            <Typography.Text type="secondary">{words.reference(file.householdId)}</Typography.Text>
          </span>
        }
        extra={<Button onClick={loaded.reload}>{t('common.refresh')}</Button>}
      >
        <Space wrap>
          <Tag color="blue" data-testid="household-phase" data-phase={file.phase}>
            {words.label(PHASE_TITLES, file.phase)}
          </Tag>
          {file.task?.role && <Tag>{t('file.pendingFor', { role: words.label(ROLE_TITLES, file.task.role) })}</Tag>}
          {file.task?.overdue && <Tag color="red">{t('work.overdue')}</Tag>}
          <StatusSlipLink householdId={file.householdId} phase={file.phase} />
          {(household.money?.awaitingApproval ?? []).map((n) => (
            <Tag color="gold" key={`approval-${n}`} data-testid="awaiting-approval">
              {words.installment(n)} · {words.label(PAYMENT_STATUS_TITLES, 'released')}
            </Tag>
          ))}
        </Space>
        {household.rejection && (
          <Alert
            type="warning"
            style={{ marginTop: 12 }}
            title={`${t('file.rejection')}: ${
              words.language === 'en'
                ? (household.rejection.reasonEn ?? household.rejection.reason)
                : household.rejection.reason
            } (${household.rejection.by})`}
          />
        )}
      </Card>

      <FlagsCard file={file} onDone={setLatest} />

      {actions.map((action) => (
        <Card
          key={action}
          title={`${t('file.action')}: ${words.label(EVENT_TITLES, action)}`}
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
                    {
                      key: 'id',
                      label: t('households.idNumber'),
                      children: (
                        <Sensitive
                          householdId={file.householdId}
                          field="idNumber"
                          value={household.head.idNumber}
                          onRevealed={loaded.reload}
                        />
                      ),
                    },
                    {
                      key: 'phone',
                      label: t('households.phone'),
                      children: (
                        <Sensitive
                          householdId={file.householdId}
                          field="phone"
                          value={household.head.phone}
                          onRevealed={loaded.reload}
                        />
                      ),
                    },
                    {
                      key: 'category',
                      label: t('households.category'),
                      children: words.label(CATEGORY_TITLES, household.category),
                    },
                    { key: 'village', label: t('households.village'), children: places.village(household.villageCode) },
                    { key: 'township', label: t('households.township'), children: places.township(household.township) },
                    {
                      key: 'house',
                      label: t('register.structure'),
                      children: `${words.label(STRUCTURE_TITLES, household.house.structure)} · ${household.house.areaM2} ㎡`,
                    },
                    { key: 'site', label: t('register.site'), children: words.label(SITE_TITLES, household.site) },
                    { key: 'grade', label: t('file.grade'), children: words.label(GRADE_TITLES, household.grade) },
                    { key: 'mode', label: t('file.mode'), children: words.label(MODE_TITLES, household.mode) },
                    { key: 'subsidy', label: t('file.subsidy'), children: words.money(household.approvedSubsidy) },
                    {
                      key: 'members',
                      label: t('file.members'),
                      children: household.members.map((m) => `${m.name}（${m.relation}）`).join('、') || '—',
                    },
                    {
                      key: 'reference',
                      label: t('households.reference'),
                      children: householdReference(file.householdId),
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
              label: `${t('file.photos')} (${file.photos.filter((p) => p.status === 'confirmed').length})`,
              children: (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {PHOTO_GROUPS.map((group) => (
                    <div key={group.key} data-testid={`photos-${group.key}`}>
                      <Typography.Title level={5}>{words.label(PHOTO_KIND_TITLES, group.key)}</Typography.Title>
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
                    {
                      title: t('file.installment'),
                      dataIndex: 'installment',
                      render: (n: number) => words.installment(n),
                    },
                    {
                      title: t('file.amount'),
                      dataIndex: 'amount',
                      align: 'right',
                      render: (fen: number) => words.yuan(fen),
                    },
                    {
                      title: t('file.status'),
                      dataIndex: 'status',
                      render: (status: string, p) =>
                        words.label(PAYMENT_STATUS_TITLES, p.approvedBy && status === 'released' ? 'approved' : status),
                    },
                    {
                      title: t('file.releasedAt'),
                      dataIndex: 'releasedAt',
                      render: (at: string) => words.time(at),
                    },
                    { title: t('file.releasedBy'), dataIndex: 'releasedBy' },
                    { title: t('file.approvedBy'), dataIndex: 'approvedBy', render: (by?: string) => by ?? '—' },
                    {
                      title: t('file.bankReference'),
                      dataIndex: 'bankReference',
                      render: (ref?: string) => ref ?? '—',
                    },
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
