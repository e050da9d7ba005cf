/**
 * A ledger household's file: who and where (ID number masked), its grades, checks, cases with
 * their measure and closing, the visits of its renovated house, its photos and its audit trail;
 * and the forms of what the user may do now (the API answers which, and decides again).
 */
import { CameraOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Image,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { CATEGORY_TITLES, GRADE_TITLES, PHASE_TITLES, STRUCTURE_TITLES } from '../../../domain/labels';
import {
  CASE_CAUSE_TITLES,
  CASE_STAGE_TITLES,
  CHECK_KIND_TITLES,
  CHECK_STATUS_TITLES,
  DISASTER_TITLES,
  HOUSING_TYPE_TITLES,
  LEDGER_EVENT_TITLES,
  MEASURE_TITLES,
  OTHER_HOUSING_TITLES,
  VISIT_RESULT_TITLES,
} from '../../../domain/monitoring/labels';
import { CHECK_FLAG_TITLES } from '../../../domain/monitoring/rules';
import { ApiError } from '../api/client';
import { finishIntent, intentKey } from '../api/intent';
import { DateInput } from '../common/DateInput';
import { errorSentence, pick } from '../common/errors';
import { chinaToday, parseDate } from '../common/format';
import { useLoad } from '../common/hooks';
import { ScrollRegion } from '../common/ScrollRegion';
import { useMe } from '../layout/UserContext';
import { type LedgerFileView, type MonitoringSettingsView, monitoringApi, uploadLedgerPhoto } from './api';
import { type MonitoringWords, useMonitoringWords } from './words';

type Values = Record<string, unknown>;

/** Takes photos for one step and answers their ids (each uploaded and confirmed as it is taken). */
function PhotoField({
  ledgerId,
  step,
  words,
  value = [],
  onChange,
  onConfirmed,
  testId,
}: {
  ledgerId: string;
  step: string;
  words: MonitoringWords;
  value?: string[];
  onChange?: (ids: string[]) => void;
  /** A confirmed photo is on the household's audit trail: the file (and its version) is read again. */
  onConfirmed: () => Promise<void>;
  testId: string;
}) {
  const { w, t, i18nLanguage } = words;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function take(files: FileList | null) {
    const chosen = Array.from(files ?? []);
    if (chosen.length === 0) return;
    setBusy(true);
    setError(undefined);
    const ids = [...value];
    try {
      for (const file of chosen) ids.push((await uploadLedgerPhoto(ledgerId, step, file)).photoId);
      // The file is read again before the photo counts as added: a form sent with the version from before the
      // confirmation would be refused as changed by someone else.
      await onConfirmed();
      onChange?.(ids);
    } catch (failure) {
      if (ids.length > value.length) await onConfirmed();
      onChange?.(ids);
      setError(errorSentence(failure, t, i18nLanguage));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Space orientation="vertical">
      <label
        className="ant-btn ant-btn-default"
        style={{ cursor: 'pointer', display: 'inline-flex', gap: 8, alignItems: 'center' }}
      >
        <CameraOutlined /> {w('takePhoto')}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          hidden
          data-testid={testId}
          onChange={(event) => void take(event.target.files)}
        />
      </label>
      {busy && <Typography.Text type="secondary">{w('uploading')}</Typography.Text>}
      {value.length > 0 && (
        <Typography.Text data-testid={`${testId}-count`}>{w('photoDone', { count: value.length })}</Typography.Text>
      )}
      {error && <Alert type="error" title={error} />}
    </Space>
  );
}

/** One action's form: its fields, the body it sends, its own error sentence and field messages. */
function ActionCard({
  title,
  action,
  file,
  words,
  onDone,
  initialValues,
  toBody,
  children,
}: {
  title: string;
  action: string;
  file: LedgerFileView;
  words: MonitoringWords;
  onDone: (file: LedgerFileView) => void;
  initialValues?: Values;
  toBody: (values: Values) => Values;
  children: React.ReactNode;
}) {
  const { w, t, i18nLanguage } = words;
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(values: Values) {
    setBusy(true);
    setError(undefined);
    const body = { version: file.household.version, ...toBody(values) };
    const scope = `ledger/${file.household.ledgerId}/${action}`;
    try {
      const answer = await monitoringApi.act(file.household.ledgerId, action, body, intentKey(scope, body));
      finishIntent(scope);
      form.resetFields();
      void message.success(w('saved'));
      onDone(answer);
    } catch (failure) {
      if (failure instanceof ApiError && failure.fields.length > 0) {
        form.setFields(
          failure.fields
            .filter((f) => f.path !== '')
            .map((f) => ({ name: f.path.split('.').slice(0, 1), errors: [pick(f.message, i18nLanguage)] })),
        );
      }
      setError(errorSentence(failure, t, i18nLanguage));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card size="small" title={title} data-testid={`action-${action}`} style={{ marginBottom: 12 }}>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={initialValues} style={{ maxWidth: 560 }}>
        {children}
        {error && (
          <Alert type="error" title={error} style={{ marginBottom: 12 }} data-testid={`action-${action}-error`} />
        )}
        <Button type="primary" htmlType="submit" loading={busy} data-testid={`action-${action}-submit`}>
          {w('submit')}
        </Button>
      </Form>
    </Card>
  );
}

function dateOf(value: unknown): unknown {
  const parsed = parseDate(String(value ?? ''));
  return parsed.ok ? parsed.date : value;
}

function trimmed(value: unknown): string | undefined {
  const text = String(value ?? '').trim();
  return text === '' ? undefined : text;
}

function Actions({
  file,
  words,
  settings,
  onDone,
  refresh,
}: {
  file: LedgerFileView;
  words: MonitoringWords;
  settings?: MonitoringSettingsView;
  onDone: (file: LedgerFileView) => void;
  refresh: () => Promise<void>;
}) {
  const { w, label } = words;
  const id = file.household.ledgerId;
  const openChecks = file.checks.filter((c) => c.status === 'open');
  const openVisits = file.visits.filter((v) => v.status === 'open');
  const [housingType, setHousingType] = useState<string>('own-house');
  const [measure, setMeasure] = useState<string>();
  const gradeOptions = (['A', 'B', 'C', 'D'] as const).map((g) => ({ value: g, label: label(GRADE_TITLES, g) }));
  return (
    <>
      {file.actions.includes('check') && (
        <ActionCard
          title={w('checkTitle')}
          action="check"
          file={file}
          words={words}
          onDone={onDone}
          initialValues={{
            checkId: openChecks[0]?.checkId,
            housingType: 'own-house',
            appraisedOn: chinaToday(),
            photoIds: [],
          }}
          toBody={(v) => ({
            checkId: v.checkId,
            housingType: v.housingType,
            ...(v.housingType === 'own-house' && v.grade ? { grade: v.grade } : {}),
            ...(v.housingType === 'other-safe-housing'
              ? { otherHousing: { kind: v.otherKind, note: trimmed(v.otherNote) } }
              : {}),
            technician: trimmed(v.technician),
            appraisedOn: dateOf(v.appraisedOn),
            findings: trimmed(v.findings),
            photoIds: v.photoIds ?? [],
          })}
        >
          <Form.Item name="checkId" label={w('whichCheck')} rules={[{ required: true }]}>
            <Select
              options={openChecks.map((c) => ({
                value: c.checkId,
                label: `${c.month} ${label(CHECK_KIND_TITLES, c.kind)}`,
              }))}
            />
          </Form.Item>
          <Form.Item name="housingType" label={w('housingType')}>
            <Radio.Group
              onChange={(event) => setHousingType(String(event.target.value))}
              options={Object.keys(HOUSING_TYPE_TITLES).map((code) => ({
                value: code,
                label: label(HOUSING_TYPE_TITLES, code),
              }))}
              data-testid="check-housing-type"
            />
          </Form.Item>
          {housingType === 'own-house' ? (
            <Form.Item name="grade" label={w('grade')} rules={[{ required: true }]}>
              <Select options={gradeOptions} data-testid="check-grade" />
            </Form.Item>
          ) : (
            <>
              <Form.Item name="otherKind" label={w('otherHousing')} rules={[{ required: true }]}>
                <Select
                  data-testid="check-other-kind"
                  options={Object.keys(OTHER_HOUSING_TITLES).map((code) => ({
                    value: code,
                    label: label(OTHER_HOUSING_TITLES, code),
                  }))}
                />
              </Form.Item>
              <Form.Item name="otherNote" label={w('otherHousingNote')} rules={[{ required: true }]}>
                <Input data-testid="check-other-note" />
              </Form.Item>
            </>
          )}
          <Form.Item name="technician" label={w('technician')} rules={[{ required: true }]}>
            <Input data-testid="check-technician" />
          </Form.Item>
          <Form.Item name="appraisedOn" label={w('appraisedOn')} rules={[{ required: true }]}>
            <DateInput testId="check-date" />
          </Form.Item>
          <Form.Item name="findings" label={w('findings')} rules={[{ required: true }]}>
            <Input.TextArea rows={2} data-testid="check-findings" />
          </Form.Item>
          <Form.Item name="photoIds" label={w('photosCheck')}>
            <PhotoField ledgerId={id} step="check" words={words} onConfirmed={refresh} testId="check-photo" />
          </Form.Item>
        </ActionCard>
      )}
      {file.actions.includes('request-reappraisal') && (
        <ActionCard
          title={w('reappraisalTitle')}
          action="request-reappraisal"
          file={file}
          words={words}
          onDone={onDone}
          toBody={(v) => ({ reason: trimmed(v.reason), reportedBy: trimmed(v.reportedBy) })}
        >
          <Form.Item name="reason" label={w('reason')} rules={[{ required: true }]}>
            <Input.TextArea rows={2} data-testid="reappraisal-reason" />
          </Form.Item>
          <Form.Item name="reportedBy" label={w('reportedBy')} rules={[{ required: true }]}>
            <Input data-testid="reappraisal-by" />
          </Form.Item>
        </ActionCard>
      )}
      {file.actions.includes('choose-measure') && (
        <ActionCard
          title={w('measureTitle')}
          action="choose-measure"
          file={file}
          words={words}
          onDone={onDone}
          initialValues={{ programId: settings?.latestProgram?.programId, category: 'minimum-living-guarantee' }}
          toBody={(v) => ({
            measure: v.measure,
            ...(trimmed(v.note) ? { note: trimmed(v.note) } : {}),
            ...(v.measure === 'renovation'
              ? {
                  renovation: {
                    programId: v.programId,
                    category: v.category,
                    house: { structure: v.structure, areaM2: v.areaM2 },
                  },
                }
              : {}),
          })}
        >
          <Form.Item name="measure" label={w('measure')} rules={[{ required: true }]}>
            <Select
              onChange={(value: string) => setMeasure(value)}
              data-testid="measure-kind"
              options={Object.keys(MEASURE_TITLES).map((code) => ({ value: code, label: label(MEASURE_TITLES, code) }))}
            />
          </Form.Item>
          {measure === 'renovation' && (
            <>
              <Form.Item name="programId" label={w('program')} rules={[{ required: true }]}>
                <Select
                  options={
                    settings?.latestProgram
                      ? [{ value: settings.latestProgram.programId, label: settings.latestProgram.name }]
                      : []
                  }
                />
              </Form.Item>
              <Form.Item name="category" label={w('renovationCategory')} rules={[{ required: true }]}>
                <Select
                  options={Object.keys(CATEGORY_TITLES)
                    .filter((c) => c !== 'other')
                    .map((code) => ({ value: code, label: label(CATEGORY_TITLES, code) }))}
                />
              </Form.Item>
              <Form.Item name="structure" label={w('structure')} rules={[{ required: true }]}>
                <Select
                  data-testid="measure-structure"
                  options={Object.keys(STRUCTURE_TITLES).map((code) => ({
                    value: code,
                    label: label(STRUCTURE_TITLES, code),
                  }))}
                />
              </Form.Item>
              <Form.Item name="areaM2" label={w('area')} rules={[{ required: true }]}>
                <InputNumber min={1} max={1000} data-testid="measure-area" />
              </Form.Item>
            </>
          )}
          <Form.Item name="note" label={w('note')}>
            <Input />
          </Form.Item>
        </ActionCard>
      )}
      {file.actions.includes('close') && (
        <ActionCard
          title={w('closeTitle')}
          action="close"
          file={file}
          words={words}
          onDone={onDone}
          initialValues={{ signedOn: chinaToday(), photoIds: [] }}
          toBody={(v) => ({
            arrangement: trimmed(v.arrangement),
            signedBy: trimmed(v.signedBy),
            signedOn: dateOf(v.signedOn),
            photoIds: v.photoIds ?? [],
          })}
        >
          <Form.Item name="arrangement" label={w('arrangement')} rules={[{ required: true }]}>
            <Input.TextArea rows={2} data-testid="close-arrangement" />
          </Form.Item>
          <Form.Item name="photoIds" label={w('photosClosing')}>
            <PhotoField ledgerId={id} step="closing" words={words} onConfirmed={refresh} testId="close-photo" />
          </Form.Item>
          <Typography.Paragraph type="secondary">{w('closeDeclaration')}</Typography.Paragraph>
          <Form.Item name="signedBy" label={w('signedBy')} rules={[{ required: true }]}>
            <Input data-testid="close-signed-by" />
          </Form.Item>
          <Form.Item name="signedOn" label={w('signedOn')} rules={[{ required: true }]}>
            <DateInput testId="close-signed-on" />
          </Form.Item>
        </ActionCard>
      )}
      {file.actions.includes('visit') && openVisits.length > 0 && (
        <ActionCard
          title={w('visitTitle')}
          action="visit"
          file={file}
          words={words}
          onDone={onDone}
          initialValues={{
            visit: `${openVisits[0]?.householdId}|${openVisits[0]?.months}`,
            visitedOn: chinaToday(),
            photoIds: [],
          }}
          toBody={(v) => {
            const [householdId, months] = String(v.visit ?? '').split('|');
            return {
              householdId,
              months: Number(months),
              visitedOn: dateOf(v.visitedOn),
              livedIn: v.livedIn === 'yes',
              ...(trimmed(v.note) ? { note: trimmed(v.note) } : {}),
              photoIds: v.photoIds ?? [],
            };
          }}
        >
          <Form.Item name="visit" label={w('whichVisit')}>
            <Select
              options={openVisits.map((visit) => ({
                value: `${visit.householdId}|${visit.months}`,
                label: w('visitDue', { months: visit.months, due: visit.dueOn }),
              }))}
            />
          </Form.Item>
          <Form.Item name="livedIn" label={w('livedIn')} rules={[{ required: true }]}>
            <Radio.Group
              data-testid="visit-lived-in"
              options={[
                { value: 'yes', label: w('yesLivedIn') },
                { value: 'no', label: w('notLivedIn') },
              ]}
            />
          </Form.Item>
          <Form.Item name="visitedOn" label={w('visitedOn')} rules={[{ required: true }]}>
            <DateInput testId="visit-date" />
          </Form.Item>
          <Form.Item name="note" label={w('note')}>
            <Input data-testid="visit-note" />
          </Form.Item>
          <Form.Item name="photoIds" label={w('photosVisit')}>
            <PhotoField ledgerId={id} step="visit" words={words} onConfirmed={refresh} testId="visit-photo" />
          </Form.Item>
        </ActionCard>
      )}
    </>
  );
}

export function LedgerFilePage() {
  const { id = '' } = useParams();
  const words = useMonitoringWords();
  const { w, label, time } = words;
  const me = useMe();
  // What an action or a photo answered; only for the household on screen (the route's id may change under it).
  const [latest, setUpdated] = useState<LedgerFileView>();
  const loaded = useLoad(() => monitoringApi.file(id), [id]);
  const updated = latest?.household.ledgerId === id ? latest : undefined;
  const settings = useLoad(
    () => (me.county ? monitoringApi.settings(me.county) : Promise.resolve(undefined)),
    [me.county],
  );
  const file =
    updated && (!loaded.data || updated.household.version >= loaded.data.household.version) ? updated : loaded.data;
  if (loaded.error) return <Alert type="error" title={loaded.error} />;
  if (!file) return <Card loading />;
  const h = file.household;
  const eventTitle = (type: string) => label(LEDGER_EVENT_TITLES, type, w('timeline'));
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={`${h.headName} · ${h.townshipName} ${h.villageName}`}
        extra={<Link to="/monitoring">{w('back')}</Link>}
        data-testid="ledger-file"
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          <Descriptions.Item label={w('idNumber')}>{h.idMasked}</Descriptions.Item>
          <Descriptions.Item label={w('category')}>{h.categoryName}</Descriptions.Item>
          <Descriptions.Item label={w('persons')}>{h.persons}</Descriptions.Item>
          <Descriptions.Item label={w('grades')}>
            <span data-testid="ledger-grades">
              {h.grades.length === 0
                ? '—'
                : h.grades
                    .map(
                      (g) =>
                        `${g.appraisedOn} ${g.grade ? label(GRADE_TITLES, g.grade) : label(HOUSING_TYPE_TITLES, g.housingType)}`,
                    )
                    .join(' → ')}
            </span>
          </Descriptions.Item>
        </Descriptions>
        {file.renovation && (
          <Alert
            type="info"
            style={{ marginTop: 12 }}
            title={
              <Space wrap>
                {w('renovationFollowed')}
                <Tag>{file.renovation.phase ? label(PHASE_TITLES, file.renovation.phase) : '—'}</Tag>
                <Link to={`/households/${file.renovation.householdId}`} data-testid="renovation-link">
                  {w('openRenovation')}
                </Link>
              </Space>
            }
          />
        )}
      </Card>
      {/* The forms start from the county's settings (its latest program): they wait for them. */}
      {!settings.loading && (
        <Actions
          file={file}
          words={words}
          settings={settings.data}
          onDone={setUpdated}
          refresh={() => monitoringApi.file(id).then(setUpdated, () => undefined)}
        />
      )}
      <Card size="small" title={w('checks')}>
        <ScrollRegion label={w('checks')}>
          <Table
            size="small"
            rowKey="checkId"
            pagination={false}
            dataSource={file.checks}
            data-testid="ledger-checks"
            columns={[
              { title: w('whichCheck'), render: (_, c) => `${c.month} ${label(CHECK_KIND_TITLES, c.kind)}` },
              {
                title: w('stage'),
                render: (_, c) => (
                  <Space size={4}>
                    {label(CHECK_STATUS_TITLES, c.status)}
                    {c.overdue && <Tag color="red">{w('overdue')}</Tag>}
                  </Space>
                ),
              },
              {
                title: w('grade'),
                render: (_, c) =>
                  c.result
                    ? c.result.grade
                      ? label(GRADE_TITLES, c.result.grade)
                      : label(HOUSING_TYPE_TITLES, c.result.housingType)
                    : '—',
              },
              { title: w('due'), dataIndex: 'dueOn' },
              {
                title: w('problem'),
                render: (_, c) => (c.result?.flags ?? []).map((f) => label(CHECK_FLAG_TITLES, f)).join('、') || '—',
              },
            ]}
          />
        </ScrollRegion>
      </Card>
      {file.cases.length > 0 && (
        <Card size="small" title={w('cases')} data-testid="ledger-cases">
          {file.cases.map((c) => (
            <Descriptions key={c.caseId} size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={w('stage')}>
                <Tag color={c.stage === 'closed' ? 'green' : 'blue'} data-testid="case-stage">
                  {label(CASE_STAGE_TITLES, c.stage)}
                </Tag>
                {c.overdue && <Tag color="red">{w('overdue')}</Tag>}
              </Descriptions.Item>
              <Descriptions.Item label={w('cause')}>
                {label(CASE_CAUSE_TITLES, c.cause)}
                {c.damage ? `（${label(DISASTER_TITLES, c.damage.disaster)} ${c.damage.occurredOn}）` : ''}
              </Descriptions.Item>
              {c.measure && (
                <Descriptions.Item label={w('measure')}>{label(MEASURE_TITLES, c.measure.kind)}</Descriptions.Item>
              )}
              {c.dueOn && c.stage !== 'closed' && <Descriptions.Item label={w('due')}>{c.dueOn}</Descriptions.Item>}
              {c.closing && (
                <Descriptions.Item label={w('closing')}>
                  {`${label(MEASURE_TITLES, c.closing.measure)} · ${c.closing.signedBy} ${c.closing.signedOn}`}
                </Descriptions.Item>
              )}
            </Descriptions>
          ))}
        </Card>
      )}
      {file.visits.length > 0 && (
        <Card size="small" title={w('visits')} data-testid="ledger-visits">
          {file.visits.map((v) => (
            <div key={`${v.householdId}-${v.months}`}>
              {w('visitDue', { months: v.months, due: v.dueOn })} ·{' '}
              <Tag color={v.result ? (v.result.livedIn ? 'green' : 'red') : v.overdue ? 'red' : 'default'}>
                {label(VISIT_RESULT_TITLES, v.result ? (v.result.livedIn ? 'lived-in' : 'empty') : 'due')}
              </Tag>
            </div>
          ))}
        </Card>
      )}
      {file.photos.some((p) => p.previewUrl) && (
        <Card size="small" title={w('photos')}>
          <Image.PreviewGroup>
            <Space wrap>
              {file.photos
                .filter((p) => p.previewUrl)
                .map((p) => (
                  <Image key={p.photoId} width={96} src={p.previewUrl ?? undefined} alt={w('photos')} />
                ))}
            </Space>
          </Image.PreviewGroup>
        </Card>
      )}
      <Card size="small" title={w('timeline')}>
        <Timeline
          items={file.timeline.map((event) => ({
            key: event.seq,
            content: `${time(event.at)} ${eventTitle(event.type)}`,
          }))}
        />
      </Card>
    </Space>
  );
}
