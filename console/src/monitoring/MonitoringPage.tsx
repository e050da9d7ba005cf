/**
 * The housing-safety ledger's screen: the user's ledger work (checks, cases, visits), the month's
 * ledger of the county or township, the roster import (county civil affairs) and the disaster
 * report. Every code is shown as words, every household by its head and village.
 */
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { GRADE_TITLES } from '../../../domain/labels';
import {
  CASE_STAGE_TITLES,
  CHECK_STATUS_TITLES,
  DISASTER_TITLES,
  MEASURE_TITLES,
  ROSTER_CHANGE_TITLES,
  ROSTER_FIELD_TITLES,
} from '../../../domain/monitoring/labels';
import { finishIntent, intentKey } from '../api/intent';
import { DateInput } from '../common/DateInput';
import { errorSentence } from '../common/errors';
import { chinaToday, idNumberOf, parseDate } from '../common/format';
import { useLoad } from '../common/hooks';
import { ScrollRegion } from '../common/ScrollRegion';
import { isCountyLevel, useMe } from '../layout/UserContext';
import {
  base64Of,
  chinaMonth,
  type LedgerRowView,
  type LedgerTaskView,
  type MonitoringSettingsView,
  monitoringApi,
  type RosterImported,
} from './api';
import { type MonitoringWords, useMonitoringWords } from './words';

function taskTitle(task: LedgerTaskView, w: MonitoringWords['w']): string {
  if (task.kind === 'visit') return w('taskVisit', { months: task.months ?? '' });
  if (task.kind === 'case') return w('taskCase');
  return task.checkKind === 'reappraisal' ? w('taskReappraisal') : w('taskCheck');
}

function Tasks({ words }: { words: MonitoringWords }) {
  const { w, label } = words;
  const navigate = useNavigate();
  const tasks = useLoad(() => monitoringApi.tasks(), []);
  return (
    <>
      {tasks.error && <Alert type="error" title={tasks.error} />}
      <List
        loading={tasks.loading}
        dataSource={tasks.data?.items ?? []}
        locale={{ emptyText: w('noTasks') }}
        data-testid="ledger-tasks"
        renderItem={(task) => (
          <List.Item
            data-testid="ledger-task"
            actions={[
              <Button key="open" type="primary" size="small" onClick={() => navigate(`/monitoring/${task.ledgerId}`)}>
                {w('open')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space wrap>
                  <span>{taskTitle(task, w)}</span>
                  <strong>{task.headName}</strong>
                  {task.stage && <Tag>{label(CASE_STAGE_TITLES, task.stage)}</Tag>}
                  {task.overdue && <Tag color="red">{w('overdue')}</Tag>}
                </Space>
              }
              description={`${task.townshipName} ${task.villageName} · ${w('due')} ${task.dueOn}`}
            />
          </List.Item>
        )}
      />
    </>
  );
}

function checkText(row: LedgerRowView, words: MonitoringWords): string {
  const monthly = row.checks.find((c) => c.kind === 'monthly') ?? row.checks[0];
  if (!monthly) return '—';
  if (monthly.status === 'open') return words.label(CHECK_STATUS_TITLES, 'open');
  return monthly.grade ? words.label(GRADE_TITLES, monthly.grade) : words.w('done');
}

function Ledger({ words, settings }: { words: MonitoringWords; settings?: MonitoringSettingsView }) {
  const { w, label } = words;
  const me = useMe();
  const navigate = useNavigate();
  const [month, setMonth] = useState(chinaMonth());
  const [township, setTownship] = useState<string | undefined>(me.township);
  const ledger = useLoad(
    () => (me.county ? monitoringApi.ledger(me.county, month, township) : Promise.resolve(undefined)),
    [me.county, month, township],
  );
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={w('month')}
          value={month}
          onChange={(event) => setMonth(event.target.value.trim())}
          style={{ width: 110 }}
          data-testid="ledger-month"
        />
        {isCountyLevel(me) && (
          <Select
            aria-label={w('township')}
            allowClear
            placeholder={w('allTownships')}
            value={township}
            onChange={setTownship}
            style={{ minWidth: 140 }}
            options={(settings?.places ?? []).map((t) => ({ value: t.code, label: t.name }))}
          />
        )}
      </Space>
      {ledger.error && <Alert type="error" title={ledger.error} />}
      <ScrollRegion label={w('tabLedger')}>
        <Table<LedgerRowView>
          rowKey="ledgerId"
          size="small"
          loading={ledger.loading}
          dataSource={ledger.data?.rows ?? []}
          locale={{ emptyText: w('noRows') }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          onRow={(row) => ({ onClick: () => navigate(`/monitoring/${row.ledgerId}`), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: w('head'),
              render: (_, row) => (
                <a data-testid="ledger-row" href={`#/monitoring/${row.ledgerId}`}>
                  {row.headName}
                </a>
              ),
            },
            { title: w('place'), render: (_, row) => `${row.townshipName} ${row.villageName}` },
            { title: w('category'), render: (_, row) => row.categoryName ?? '—' },
            {
              title: w('checkThisMonth'),
              render: (_, row) => (
                <Space size={4}>
                  {checkText(row, words)}
                  {row.checks.some((c) => c.overdue) && <Tag color="red">{w('overdue')}</Tag>}
                </Space>
              ),
            },
            {
              title: w('caseColumn'),
              render: (_, row) =>
                row.case ? (
                  <Space size={4} wrap>
                    <Tag color={row.case.stage === 'closed' ? 'green' : 'blue'}>
                      {label(CASE_STAGE_TITLES, row.case.stage)}
                    </Tag>
                    {row.case.measure && <span>{label(MEASURE_TITLES, row.case.measure)}</span>}
                    {row.case.overdue && <Tag color="red">{w('overdue')}</Tag>}
                  </Space>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </ScrollRegion>
    </>
  );
}

function RosterImport({ words }: { words: MonitoringWords }) {
  const { w, t, label, i18nLanguage } = words;
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [file, setFile] = useState<File>();
  const [result, setResult] = useState<RosterImported>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(values: { month: string; checksDueOn?: string }) {
    if (!file || !me.county) return;
    setBusy(true);
    setError(undefined);
    const due = values.checksDueOn ? parseDate(values.checksDueOn) : undefined;
    const body = {
      county: me.county,
      month: values.month.trim(),
      ...(due?.ok ? { checksDueOn: due.date } : values.checksDueOn ? { checksDueOn: values.checksDueOn } : {}),
      file: { name: file.name, contentBase64: await base64Of(file) },
    };
    const scope = `roster/${body.county}/${body.month}`;
    try {
      const answer = await monitoringApi.importRoster(body, intentKey(scope, body));
      finishIntent(scope);
      setResult(answer);
      void message.success(w('saved'));
    } catch (failure) {
      setError(errorSentence(failure, t, i18nLanguage));
    } finally {
      setBusy(false);
    }
  }

  const entryColumns = [
    { title: w('head'), dataIndex: 'headName' },
    { title: w('idNumber'), dataIndex: 'idMasked' },
    { title: w('category'), dataIndex: 'categoryName' },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{w('importHelp')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ month: chinaMonth() }}
        style={{ maxWidth: 480 }}
      >
        <Form.Item name="month" label={w('month')} rules={[{ required: true }]}>
          <Input data-testid="roster-month" />
        </Form.Item>
        <Form.Item name="checksDueOn" label={w('checksDueOn')}>
          <DateInput testId="roster-due" />
        </Form.Item>
        <Form.Item label={w('file')} required>
          <input
            type="file"
            accept=".xlsx,.csv"
            aria-label={w('file')}
            data-testid="roster-file"
            onChange={(event) => setFile(event.target.files?.[0])}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} disabled={!file} data-testid="roster-submit">
          {w('import')}
        </Button>
      </Form>
      {error && <Alert type="error" title={error} data-testid="roster-error" />}
      {result && (
        <Card size="small" data-testid="roster-result">
          <Alert
            type={result.import.rowErrors > 0 ? 'warning' : 'success'}
            title={w('imported', {
              read: result.import.rowsRead,
              added: result.import.added,
              already: result.import.alreadyOnRoster,
              errors: result.import.rowErrors,
            })}
            style={{ marginBottom: 12 }}
          />
          <Space wrap size="large" style={{ marginBottom: 12 }}>
            <Statistic title={w('size')} value={result.size} />
            <Statistic title={w('newCount')} value={result.counts.new} />
            <Statistic title={w('changedCount')} value={result.counts.changed} />
            <Statistic title={w('leavingCount')} value={result.counts.leaving} />
          </Space>
          {result.rowErrors.length > 0 && (
            <Table
              size="small"
              title={() => w('rowErrors')}
              rowKey={(row) => `${row.line}-${row.field}-${row.message.zh}`}
              dataSource={result.rowErrors}
              pagination={false}
              data-testid="roster-row-errors"
              columns={[
                { title: w('line'), dataIndex: 'line', width: 70 },
                { title: w('column'), dataIndex: 'field', width: 100 },
                {
                  title: w('problem'),
                  render: (_, row) => (words.language === 'en' ? row.message.en : row.message.zh),
                },
              ]}
            />
          )}
          {result.newHouseholds.length > 0 && (
            <Table
              size="small"
              title={() => w('newHouseholds')}
              rowKey="ledgerId"
              dataSource={result.newHouseholds}
              columns={entryColumns}
              pagination={{ pageSize: 10 }}
            />
          )}
          {result.changedHouseholds.length > 0 && (
            <Table
              size="small"
              title={() => w('changedHouseholds')}
              rowKey="ledgerId"
              dataSource={result.changedHouseholds}
              pagination={{ pageSize: 10 }}
              columns={[
                ...entryColumns,
                {
                  title: w('changedFields'),
                  render: (_, row) => row.changedFields.map((f) => label(ROSTER_FIELD_TITLES, f)).join('、'),
                },
              ]}
            />
          )}
          {result.leaving.length > 0 && (
            <Table
              size="small"
              title={() => `${w('leavingHouseholds')}（${label(ROSTER_CHANGE_TITLES, 'leaving')}）`}
              rowKey="ledgerId"
              dataSource={result.leaving}
              columns={entryColumns}
              pagination={{ pageSize: 10 }}
            />
          )}
        </Card>
      )}
    </Space>
  );
}

function DisasterReport({ words, settings }: { words: MonitoringWords; settings?: MonitoringSettingsView }) {
  const { w, t, label, i18nLanguage } = words;
  const me = useMe();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const villages = (settings?.places ?? [])
    .filter((t) => !me.township || t.code === me.township)
    .flatMap((t) => t.villages.map((v) => ({ value: v.code, label: `${t.name} ${v.name}` })));

  async function submit(values: Record<string, string | number | undefined>) {
    setBusy(true);
    setError(undefined);
    const occurred = parseDate(String(values.occurredOn ?? ''));
    const body = {
      villageCode: values.villageCode,
      head: { name: String(values.name ?? '').trim(), idNumber: idNumberOf(String(values.idNumber ?? '')) },
      persons: Number(values.persons ?? 1),
      ...(values.category ? { category: String(values.category).trim() } : {}),
      disaster: values.disaster,
      occurredOn: occurred.ok ? occurred.date : values.occurredOn,
      description: String(values.description ?? '').trim(),
      ...(values.grade ? { grade: values.grade } : {}),
    };
    const scope = `disaster/${body.head.idNumber}`;
    try {
      const answer = await monitoringApi.reportDisaster(body, intentKey(scope, body));
      finishIntent(scope);
      navigate(`/monitoring/${answer.ledgerId}`);
    } catch (failure) {
      setError(errorSentence(failure, t, i18nLanguage));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={submit}
      style={{ maxWidth: 520 }}
      initialValues={{ persons: 1, occurredOn: chinaToday() }}
    >
      <Typography.Paragraph>{w('disasterTitle')}</Typography.Paragraph>
      <Form.Item name="villageCode" label={w('village')} rules={[{ required: true }]}>
        <Select options={villages} showSearch optionFilterProp="label" data-testid="disaster-village" />
      </Form.Item>
      <Form.Item name="name" label={w('head')} rules={[{ required: true }]}>
        <Input data-testid="disaster-name" />
      </Form.Item>
      <Form.Item name="idNumber" label={w('idNumber')} rules={[{ required: true }]}>
        <Input data-testid="disaster-id" />
      </Form.Item>
      <Form.Item name="persons" label={w('persons')}>
        <InputNumber min={1} max={30} />
      </Form.Item>
      <Form.Item name="category" label={w('category')}>
        <Input placeholder="低保户" />
      </Form.Item>
      <Form.Item name="disaster" label={w('disaster')} rules={[{ required: true }]}>
        <Select
          data-testid="disaster-kind"
          options={Object.keys(DISASTER_TITLES).map((code) => ({ value: code, label: label(DISASTER_TITLES, code) }))}
        />
      </Form.Item>
      <Form.Item name="occurredOn" label={w('occurredOn')} rules={[{ required: true }]}>
        <DateInput testId="disaster-date" />
      </Form.Item>
      <Form.Item name="description" label={w('description')} rules={[{ required: true }]}>
        <Input.TextArea rows={3} data-testid="disaster-description" />
      </Form.Item>
      <Form.Item name="grade" label={w('gradeIfKnown')}>
        <Select allowClear options={(['C', 'D'] as const).map((g) => ({ value: g, label: label(GRADE_TITLES, g) }))} />
      </Form.Item>
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit" loading={busy} data-testid="disaster-submit">
        {w('submit')}
      </Button>
    </Form>
  );
}

export function MonitoringPage() {
  const words = useMonitoringWords();
  const { w } = words;
  const me = useMe();
  const settings = useLoad(
    () => (me.county ? monitoringApi.settings(me.county) : Promise.resolve(undefined)),
    [me.county],
  );
  const countyCivil = isCountyLevel(me) && me.roles.includes('civil-affairs');
  const reports = me.roles.some((r) => r === 'construction' || r === 'civil-affairs');
  const items = [
    { key: 'tasks', label: w('tabTasks'), children: <Tasks words={words} /> },
    { key: 'ledger', label: w('tabLedger'), children: <Ledger words={words} settings={settings.data} /> },
    ...(countyCivil ? [{ key: 'roster', label: w('tabRoster'), children: <RosterImport words={words} /> }] : []),
    ...(reports
      ? [
          {
            key: 'disaster',
            label: w('tabDisaster'),
            children: <DisasterReport words={words} settings={settings.data} />,
          },
        ]
      : []),
  ];
  return (
    <Card title={w('title')}>
      <Tabs items={items} destroyOnHidden />
    </Card>
  );
}
