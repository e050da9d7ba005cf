import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Input, Row, Space, Statistic, Table } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PHASES } from '../../../domain/model';
import { download, getJson } from '../api/client';
import { type FundsReport, type MoneyLine, type ProgressReport, yuan } from '../api/types';
import { errorSentence, pick } from '../common/errors';
import { useLoad } from '../common/hooks';
import { preferredProgramId } from '../households/program';
import { useMe } from '../layout/UserContext';
import { EChart } from './EChart';

type ProgressRow = ProgressReport['townships'][number];
type SourceRow = FundsReport['bySource'][number];

/** Progress by township and phase, funds by source: the county's figures as charts and tables. */
export function Dashboard() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const county = me.county ?? '';
  const [program, setProgram] = useState<string>();
  const [draft, setDraft] = useState('');

  useEffect(() => {
    preferredProgramId(county).then(
      (id) => {
        setProgram(id);
        setDraft(id ?? '');
      },
      () => undefined,
    );
  }, [county]);

  const progress = useLoad(
    () =>
      program
        ? getJson<ProgressReport>(`/reports/progress?county=${county}&program=${encodeURIComponent(program)}`)
        : Promise.resolve(undefined),
    [county, program],
  );
  const funds = useLoad(() => getJson<FundsReport>(`/reports/funds?county=${county}`), [county]);

  const phasesShown = useMemo(
    () => PHASES.filter((phase) => (progress.data?.total.byPhase[phase] ?? 0) > 0),
    [progress.data],
  );

  const progressChart = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: (progress.data?.townships ?? []).map((row) => row.name) },
      yAxis: { type: 'value', minInterval: 1 },
      series: phasesShown.map((phase) => ({
        name: t(`phases.${phase}`),
        type: 'bar',
        stack: 'phase',
        data: (progress.data?.townships ?? []).map((row) => row.byPhase[phase]),
      })),
    }),
    [progress.data, phasesShown, t],
  );

  const fundsChart = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 80, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: (funds.data?.bySource ?? []).map((row) => pick(row.label, i18n.language)) },
      yAxis: { type: 'value', name: t('common.yuan') },
      series: (['planned', 'released', 'paid'] as const).map((key) => ({
        name: t(`dashboard.${key === 'released' ? 'releasedAmount' : key}`),
        type: 'bar',
        data: (funds.data?.bySource ?? []).map((row) => row[key] / 100),
      })),
    }),
    [funds.data, i18n.language, t],
  );

  async function exportXlsx(path: string, name: string) {
    try {
      await download(path, name);
    } catch (error) {
      void message.error(errorSentence(error, t, i18n.language));
    }
  }

  const money = (key: keyof MoneyLine) => ({
    title: t(`dashboard.${key === 'released' ? 'releasedAmount' : key === 'failed' ? 'failedAmount' : key}`),
    dataIndex: key,
    align: 'right' as const,
    render: (fen: number) => yuan(fen),
  });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={`${t('dashboard.title')} · ${t('dashboard.county')} ${county}`}
        extra={
          <Space wrap>
            <Input.Search
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onSearch={(value) => setProgram(value.trim() || undefined)}
              placeholder={t('dashboard.program')}
              style={{ width: 200 }}
              data-testid="dashboard-program"
            />
          </Space>
        }
      >
        {progress.data && (
          <Row gutter={[16, 16]}>
            {(['registered', 'approved', 'quota', 'quotaLeft', 'underConstruction', 'archived'] as const).map((key) => (
              <Col xs={12} sm={8} lg={4} key={key}>
                <Statistic
                  title={t(`dashboard.${key}`)}
                  value={progress.data?.total[key]}
                  data-testid={`stat-${key}`}
                />
              </Col>
            ))}
          </Row>
        )}
      </Card>
      <Card
        title={t('dashboard.progress')}
        extra={
          <Button
            icon={<DownloadOutlined />}
            disabled={!program}
            onClick={() =>
              void exportXlsx(
                `/reports/progress?county=${county}&program=${encodeURIComponent(program ?? '')}&format=xlsx`,
                `progress-${county}.xlsx`,
              )
            }
            data-testid="export-progress"
          >
            {t('dashboard.exportProgress')}
          </Button>
        }
      >
        {progress.error && <Alert type="error" title={progress.error} style={{ marginBottom: 16 }} />}
        <EChart option={progressChart} testId="chart-progress" />
        <Table<ProgressRow>
          rowKey="township"
          size="small"
          loading={progress.loading}
          dataSource={progress.data?.townships ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="table-progress"
          columns={[
            { title: t('dashboard.name'), dataIndex: 'name' },
            { title: t('dashboard.quota'), dataIndex: 'quota', align: 'right' },
            { title: t('dashboard.registered'), dataIndex: 'registered', align: 'right' },
            { title: t('dashboard.approved'), dataIndex: 'approved', align: 'right' },
            ...phasesShown.map((phase) => ({
              title: t(`phases.${phase}`),
              key: phase,
              align: 'right' as const,
              render: (_: unknown, row: ProgressRow) => row.byPhase[phase],
            })),
          ]}
          summary={() =>
            progress.data && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>{t('dashboard.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {progress.data.total.quota}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {progress.data.total.registered}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {progress.data.total.approved}
                </Table.Summary.Cell>
                {phasesShown.map((phase, i) => (
                  <Table.Summary.Cell key={phase} index={4 + i} align="right">
                    {progress.data?.total.byPhase[phase]}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )
          }
        />
      </Card>
      <Card
        title={t('dashboard.funds')}
        extra={
          <Space wrap>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => void exportXlsx(`/reports/funds?county=${county}&format=xlsx`, `funds-${county}.xlsx`)}
              data-testid="export-funds"
            >
              {t('dashboard.exportFunds')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              onClick={() =>
                void exportXlsx(`/reports/households?county=${county}&format=xlsx`, `households-${county}.xlsx`)
              }
              data-testid="export-households"
            >
              {t('dashboard.exportHouseholds')}
            </Button>
          </Space>
        }
      >
        {funds.error && <Alert type="error" title={funds.error} style={{ marginBottom: 16 }} />}
        <EChart option={fundsChart} testId="chart-funds" />
        <Table<SourceRow>
          rowKey="source"
          size="small"
          loading={funds.loading}
          dataSource={funds.data?.bySource ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="table-funds"
          columns={[
            {
              title: t('dashboard.source'),
              dataIndex: 'label',
              render: (label: SourceRow['label']) => pick(label, i18n.language),
            },
            money('planned'),
            money('released'),
            money('paid'),
            money('pending'),
            money('failed'),
          ]}
          summary={() =>
            funds.data && (
              <Table.Summary.Row data-testid="funds-total">
                <Table.Summary.Cell index={0}>{t('dashboard.total')}</Table.Summary.Cell>
                {(['planned', 'released', 'paid', 'pending', 'failed'] as const).map((key, i) => (
                  <Table.Summary.Cell key={key} index={i + 1} align="right">
                    <span data-testid={`funds-total-${key}`}>{yuan(funds.data?.total[key])}</span>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )
          }
        />
      </Card>
    </Space>
  );
}
