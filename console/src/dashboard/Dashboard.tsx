import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Input,
  List,
  Row,
  Space,
  Statistic,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES } from '../../../domain/model';
import { download, getJson } from '../api/client';
import {
  type FundsReport,
  type MoneyLine,
  type ProgressLine,
  type ProgressReport,
  type ProgressRow,
  yuan,
} from '../api/types';
import { errorSentence, pick } from '../common/errors';
import { useLoad } from '../common/hooks';
import { ScrollRegion } from '../common/ScrollRegion';
import { useMe } from '../layout/UserContext';
import { EChart } from './EChart';

type SourceRow = FundsReport['bySource'][number];

/** One figure of the progress table: its column and how to read it off a township or the total. */
interface Figure {
  key: string;
  title: string;
  value: (line: ProgressLine) => ReactNode;
}

const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
const area = (m2: number) => m2.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** Progress by township in the seed's shape, funds by source: the county's figures as charts and tables. */
export function Dashboard() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const county = me.county ?? '';
  // No program asked: the API reports on the county's latest program.
  const [program, setProgram] = useState<string>();
  const [draft, setDraft] = useState('');

  const progressQuery = (format?: 'xlsx') => {
    const query = new URLSearchParams({ county });
    if (program) query.set('program', program);
    if (format) query.set('format', format);
    return `/reports/progress?${query}`;
  };
  const progress = useLoad(() => getJson<ProgressReport>(progressQuery()), [county, program]);
  const funds = useLoad(() => getJson<FundsReport>(`/reports/funds?county=${county}`), [county]);
  const report = progress.data;

  // The program's labels are Chinese; English uses its own words for the milestones it knows.
  const milestoneLabel = useCallback(
    (milestone: string, label: string) =>
      i18n.language === 'en' ? t(`dashboard.milestones.${milestone}`, { defaultValue: label }) : label,
    [i18n.language, t],
  );

  const statusChart = useMemo(() => {
    const rows = report?.townships ?? [];
    const series = [
      { name: t('dashboard.notStarted'), value: (row: ProgressRow) => row.status.notStarted },
      ...(report?.milestones ?? []).map((m) => ({
        name: t('dashboard.buildingTowards', { label: milestoneLabel(m.milestone, m.label) }),
        value: (row: ProgressRow) => row.status.underConstructionByMilestone[m.milestone] ?? 0,
      })),
      { name: t('dashboard.mainStructureFinished'), value: (row: ProgressRow) => row.status.mainStructureFinished },
      { name: t('dashboard.completed'), value: (row: ProgressRow) => row.status.completed },
      { name: t('dashboard.archived'), value: (row: ProgressRow) => row.status.archived },
    ];
    return {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: rows.map((row) => row.name) },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map(({ name, value }) => ({
        name,
        type: 'bar',
        stack: 'status',
        barMaxWidth: 56,
        data: rows.map(value),
      })),
    };
  }, [report, milestoneLabel, t]);

  // Column groups of the seed's report; the total row reads the same figures off the county line.
  const figureGroups: { title?: string; figures: Figure[] }[] = [
    {
      figures: [
        { key: 'quota', title: t('dashboard.quota'), value: (l) => l.quota },
        { key: 'approved', title: t('dashboard.approved'), value: (l) => l.approved },
      ],
    },
    {
      title: t('dashboard.byMode'),
      figures: [
        { key: 'rebuild', title: t('dashboard.rebuild'), value: (l) => l.byMode.rebuild },
        { key: 'repair', title: t('dashboard.repair'), value: (l) => l.byMode.repair },
      ],
    },
    {
      title: t('dashboard.bySite'),
      figures: [
        { key: 'centralizedPoints', title: t('dashboard.centralizedPoints'), value: (l) => l.bySite.centralizedPoints },
        { key: 'centralized', title: t('dashboard.centralized'), value: (l) => l.bySite.centralized },
        { key: 'dispersed', title: t('dashboard.dispersed'), value: (l) => l.bySite.dispersed },
      ],
    },
    { figures: [{ key: 'floorArea', title: t('dashboard.floorArea'), value: (l) => area(l.floorAreaM2) }] },
    {
      title: t('dashboard.statusGroup'),
      figures: [
        { key: 'inReview', title: t('dashboard.inReview'), value: (l) => l.status.inReview },
        { key: 'inNotice', title: t('dashboard.inNotice'), value: (l) => l.status.inNotice },
        { key: 'notStarted', title: t('dashboard.notStarted'), value: (l) => l.status.notStarted },
        { key: 'underConstruction', title: t('dashboard.building'), value: (l) => l.status.underConstruction },
        {
          key: 'mainStructureFinished',
          title: t('dashboard.mainStructureFinished'),
          value: (l) => l.status.mainStructureFinished,
        },
        { key: 'completed', title: t('dashboard.completed'), value: (l) => l.status.completed },
        { key: 'archived', title: t('dashboard.archived'), value: (l) => l.status.archived },
        { key: 'rejected', title: t('dashboard.rejected'), value: (l) => l.status.rejected },
      ],
    },
    { figures: [{ key: 'overdue', title: t('dashboard.overdue'), value: (l) => l.overdue.total }] },
  ];
  const figureColumn = (figure: Figure) => ({
    title: figure.title,
    key: figure.key,
    align: 'right' as const,
    render: (_: unknown, row: ProgressRow) => (
      <span data-testid={`progress-${row.township}-${figure.key}`}>{figure.value(row)}</span>
    ),
  });
  const progressColumns: TableColumnsType<ProgressRow> = [
    { title: t('dashboard.name'), dataIndex: 'name', fixed: 'start' },
    ...figureGroups.flatMap(
      ({ title, figures }): TableColumnsType<ProgressRow> =>
        title ? [{ title, key: title, children: figures.map(figureColumn) }] : figures.map(figureColumn),
    ),
  ];
  const allFigures = figureGroups.flatMap((group) => group.figures);
  const overdueRoles = ROLES.filter((role) => (report?.total.overdue.byRole[role] ?? 0) > 0);
  const spotCheck = report?.spotCheck;

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
        title={[t('dashboard.title'), `${t('dashboard.county')} ${county}`, report?.programName]
          .filter(Boolean)
          .join(' · ')}
        extra={
          <Space wrap>
            <Input.Search
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onSearch={(value) => setProgram(value.trim() || undefined)}
              placeholder={t('dashboard.programHint')}
              allowClear
              style={{ width: 260 }}
              data-testid="dashboard-program"
            />
          </Space>
        }
      >
        {progress.error && <Alert type="error" title={progress.error} style={{ marginBottom: 16 }} />}
        {report && (
          <Row gutter={[16, 16]}>
            {(['registered', 'approved', 'quota', 'quotaLeft', 'underConstruction', 'archived'] as const).map((key) => (
              <Col xs={12} sm={8} lg={4} key={key}>
                <Statistic title={t(`dashboard.${key}`)} value={report.total[key]} data-testid={`stat-${key}`} />
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
            onClick={() => void exportXlsx(progressQuery('xlsx'), `progress-${report?.programId ?? county}.xlsx`)}
            data-testid="export-progress"
          >
            {t('dashboard.exportProgress')}
          </Button>
        }
      >
        <EChart option={statusChart} testId="chart-status" />
        <ScrollRegion label={t('dashboard.progress')}>
          <Table<ProgressRow>
            rowKey="township"
            size="small"
            bordered
            loading={progress.loading}
            dataSource={report?.townships ?? []}
            pagination={false}
            data-testid="table-progress"
            columns={progressColumns}
            summary={() =>
              report && (
                <Table.Summary.Row data-testid="progress-total">
                  <Table.Summary.Cell index={0}>{t('dashboard.total')}</Table.Summary.Cell>
                  {allFigures.map((figure, i) => (
                    <Table.Summary.Cell key={figure.key} index={i + 1} align="right">
                      <span data-testid={`progress-total-${figure.key}`}>{figure.value(report.total)}</span>
                    </Table.Summary.Cell>
                  ))}
                </Table.Summary.Row>
              )
            }
          />
        </ScrollRegion>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.spotCheck')} style={{ height: '100%' }}>
            {spotCheck && (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Statistic
                  title={t('dashboard.spotCheckOf', { visited: spotCheck.visited, decided: spotCheck.decided })}
                  value={spotCheck.coverage === null ? '-' : percent(spotCheck.coverage)}
                  data-testid="stat-spotCheck"
                />
                <Typography.Text type="secondary">
                  {t('dashboard.spotCheckRequired', { percent: Math.round(spotCheck.requiredRatio * 100) })}
                </Typography.Text>
                {!spotCheck.met && (
                  <Alert
                    type="warning"
                    showIcon
                    title={t('dashboard.spotCheckShortfall', {
                      percent: Math.round(spotCheck.requiredRatio * 100),
                      shortfall: spotCheck.shortfall,
                    })}
                    data-testid="spotcheck-warning"
                  />
                )}
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.overdueByRole')} style={{ height: '100%' }}>
            <List
              size="small"
              loading={progress.loading}
              dataSource={overdueRoles}
              locale={{ emptyText: <span className="empty-note">{t('dashboard.noOverdue')}</span> }}
              data-testid="overdue-by-role"
              renderItem={(role) => (
                <List.Item data-testid={`overdue-role-${role}`}>
                  <span>{t(`roles.${role}`)}</span>
                  <span>{report?.total.overdue.byRole[role]}</span>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
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
        <ScrollRegion label={t('dashboard.funds')}>
          <Table<SourceRow>
            rowKey="source"
            size="small"
            loading={funds.loading}
            dataSource={funds.data?.bySource ?? []}
            pagination={false}
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
        </ScrollRegion>
      </Card>
    </Space>
  );
}
