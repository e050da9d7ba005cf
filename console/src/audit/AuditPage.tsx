/**
 * The auditor's view (`GET /reports/audit`): for the user's county and a period, every flag with its
 * handling, every override, reopened notice, floor area outside the limits, duplicate match and late
 * payment, each linked to its household; the same list as an Excel workbook for the audit file.
 */
import { Alert, Button, Card, Form, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { AuditFindingView, AuditReport } from '../../../contract/views';
import { addCalendarDays, chinaToday } from '../../../domain/china-time';
import { FLAG_TITLES } from '../../../domain/labels';
import { download, getJson } from '../api/client';
import { DateInput } from '../common/DateInput';
import { errorSentence } from '../common/errors';
import { useWords } from '../common/words';
import { useMe } from '../layout/UserContext';

const FLAG_FINDINGS: readonly AuditFindingView['kind'][] = ['flag', 'duplicate', 'override'];

export function AuditPage() {
  const words = useWords();
  const { t, i18nLanguage } = words;
  const me = useMe();
  const [form] = Form.useForm<{ from: string; to: string }>();
  const [report, setReport] = useState<AuditReport>();
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const initial = { from: addCalendarDays(chinaToday(), -90), to: chinaToday() };

  const query = (values: { from: string; to: string }, format = 'json') =>
    new URLSearchParams({ county: me.county ?? '', from: values.from, to: values.to, format });

  async function show(values: { from: string; to: string }) {
    setLoading(true);
    setFailure(undefined);
    try {
      setReport(await getJson<AuditReport>(`/reports/audit?${query(values)}`));
    } catch (error) {
      setFailure(error);
    } finally {
      setLoading(false);
    }
  }

  const what = (finding: AuditFindingView) =>
    FLAG_FINDINGS.includes(finding.kind)
      ? words.label(FLAG_TITLES, finding.what, finding.title[words.language])
      : finding.title[words.language];

  return (
    <Card title={t('audit.title')}>
      <Form
        form={form}
        layout="inline"
        initialValues={initial}
        onFinish={(values) => void show(values)}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="from" label={t('audit.period')} rules={[{ required: true }]}>
          <DateInput testId="audit-from" />
        </Form.Item>
        <Form.Item name="to" rules={[{ required: true }]}>
          <DateInput testId="audit-to" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading} data-testid="audit-show">
          {t('audit.find')}
        </Button>
        <Button
          onClick={() => void download(`/reports/audit?${query(form.getFieldsValue(), 'xlsx')}`, 'audit.xlsx')}
          data-testid="audit-excel"
        >
          {t('audit.excel')}
        </Button>
      </Form>
      {failure !== undefined && (
        <Alert type="error" title={errorSentence(failure, t, i18nLanguage)} style={{ marginBottom: 16 }} />
      )}
      {report && (
        <Space wrap size="large" style={{ marginBottom: 16 }}>
          <Typography.Text>{t('audit.households', { count: report.households })}</Typography.Text>
          {Object.entries(report.counts).map(([kind, count]) => (
            <Statistic key={kind} title={t(`audit.kinds.${kind}`)} value={count} data-testid={`audit-count-${kind}`} />
          ))}
        </Space>
      )}
      <Table<AuditFindingView>
        rowKey={(f) => `${f.kind}/${f.householdId}/${f.what}/${f.at}/${f.installment ?? ''}`}
        loading={loading}
        dataSource={report?.findings ?? []}
        size="small"
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('audit.empty') }}
        columns={[
          { title: t('audit.kind'), key: 'kind', render: (_, f) => t(`audit.kinds.${f.kind}`) },
          { title: t('audit.township'), dataIndex: 'townshipName' },
          {
            title: t('audit.household'),
            key: 'household',
            render: (_, f) => (
              <Link to={f.link} data-testid={`audit-link-${f.householdId}`}>
                {f.headName}
              </Link>
            ),
          },
          { title: t('audit.at'), key: 'at', render: (_, f) => words.time(f.at) },
          { title: t('audit.what'), key: 'what', render: (_, f) => what(f) },
          { title: t('audit.note'), key: 'note', render: (_, f) => f.note?.[words.language] ?? '—' },
          {
            title: t('audit.handling'),
            key: 'handling',
            render: (_, f) =>
              f.overriddenBy ? (
                <Tag color="green">{f.overriddenBy}</Tag>
              ) : f.level === 'block' ? (
                <Tag color="red">{t('flagging.held')}</Tag>
              ) : f.level === 'warn' ? (
                <Tag color="orange">{t('flagging.warn')}</Tag>
              ) : f.daysLate !== undefined ? (
                <Tag color="red">{t('audit.daysLate', { days: f.daysLate })}</Tag>
              ) : (
                '—'
              ),
          },
          { title: t('audit.by'), key: 'by', render: (_, f) => f.by ?? '—' },
        ]}
      />
    </Card>
  );
}
