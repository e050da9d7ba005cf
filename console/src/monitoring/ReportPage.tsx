/**
 * The monthly monitoring report on the console's dashboard side: per township the roster, the
 * checks on time, the unsafe houses found, the cases open, overdue and closed by each measure, the
 * visits and the houses found not lived in; a chart of the townships; the same figures as Excel.
 */
import { Alert, Button, Card, Input, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { MEASURE_TITLES } from '../../../domain/monitoring/labels';
import type { MonitoringCounts } from '../../../domain/monitoring/report';
import { download } from '../api/client';
import { useErrorToast, useLoad } from '../common/hooks';
import { ScrollRegion } from '../common/ScrollRegion';
import { EChart } from '../dashboard/EChart';
import { useMe } from '../layout/UserContext';
import { chinaMonth, monitoringApi } from './api';
import { useMonitoringWords } from './words';

type Row = MonitoringCounts & { key: string; name: string };

export function ReportPage() {
  const words = useMonitoringWords();
  const { w, label } = words;
  const me = useMe();
  const toast = useErrorToast();
  const [month, setMonth] = useState(chinaMonth());
  const report = useLoad(
    () =>
      me.county && /^\d{4}-\d{2}$/.test(month) ? monitoringApi.report(me.county, month) : Promise.resolve(undefined),
    [me.county, month],
  );
  const rows: Row[] = useMemo(() => {
    const data = report.data;
    if (!data) return [];
    return [
      ...data.townships.map((t) => ({ ...t, key: t.township })),
      { ...data.total, key: 'total', name: w('total') },
    ];
  }, [report.data, w]);
  const chart = useMemo(() => {
    const townships = report.data?.townships ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 40, right: 16, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: townships.map((t) => t.name) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: w('checkedOnTime'), type: 'bar', data: townships.map((t) => t.checks.onTime) },
        { name: w('unsafeFound'), type: 'bar', data: townships.map((t) => t.checks.unsafe) },
        { name: w('casesOpen'), type: 'bar', data: townships.map((t) => t.cases.openAtEnd) },
        { name: w('housesEmpty'), type: 'bar', data: townships.map((t) => t.visits.notLivedIn) },
      ],
    };
  }, [report.data, w]);

  const measures = Object.keys(MEASURE_TITLES) as (keyof MonitoringCounts['cases']['closedByMeasure'])[];
  return (
    <Card
      title={w('reportTitle')}
      extra={
        <Space wrap>
          <Input
            aria-label={w('month')}
            value={month}
            onChange={(e) => setMonth(e.target.value.trim())}
            style={{ width: 110 }}
            data-testid="report-month"
          />
          <Button
            data-testid="report-excel"
            onClick={() =>
              download(
                `/reports/monitoring?county=${me.county}&month=${month}&format=xlsx`,
                `monitoring-${month}.xlsx`,
              ).catch(toast)
            }
          >
            {w('downloadExcel')}
          </Button>
        </Space>
      }
    >
      {report.error && <Alert type="error" title={report.error} />}
      {report.data && (
        <Typography.Paragraph type="secondary" data-testid="report-as-of">
          {w('asOf', { date: report.data.asOf })}
          {report.data.roster ? '' : ` · ${w('rosterNotImported')}`}
        </Typography.Paragraph>
      )}
      <EChart option={chart} height={280} testId="chart-monitoring" />
      <ScrollRegion label={w('reportTitle')}>
        <Table<Row>
          size="small"
          rowKey="key"
          loading={report.loading}
          dataSource={rows}
          pagination={false}
          data-testid="monitoring-report"
          columns={[
            { title: w('township'), dataIndex: 'name' },
            { title: w('size'), render: (_, r) => r.roster.size },
            { title: w('checkedOnTime'), render: (_, r) => r.checks.onTime },
            { title: w('checkedLate'), render: (_, r) => r.checks.late },
            { title: w('notChecked'), render: (_, r) => r.checks.open },
            { title: w('unsafeFound'), render: (_, r) => r.checks.unsafe },
            { title: w('casesOpened'), render: (_, r) => r.cases.opened },
            { title: w('casesOpen'), render: (_, r) => r.cases.openAtEnd },
            { title: w('casesOverdue'), render: (_, r) => r.cases.overdue },
            { title: w('casesClosed'), render: (_, r) => r.cases.closed },
            ...measures.map((measure) => ({
              title: `${w('closedBy')}：${label(MEASURE_TITLES, measure)}`,
              render: (_: unknown, r: Row) => r.cases.closedByMeasure[measure],
            })),
            { title: w('visitsDone'), render: (_, r) => r.visits.done },
            {
              title: w('housesEmpty'),
              render: (_, r) => <span data-testid={`empty-${r.key}`}>{r.visits.notLivedIn}</span>,
            },
          ]}
        />
      </ScrollRegion>
    </Card>
  );
}
