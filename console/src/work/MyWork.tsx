import { Alert, Button, Card, Col, Row, Segmented, Select, Space, Statistic, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { PHASE_TITLES } from '../../../domain/labels';
import type { Phase, TaskView } from '../api/types';
import { FlagTags } from '../common/FlagTags';
import { HouseholdName } from '../common/HouseholdName';
import { useLoad } from '../common/hooks';
import { useHouseholds, usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { preferredProgramId } from '../households/program';
import { useMe } from '../layout/UserContext';
import { byUrgency, loadAllTasks } from './tasks';

const INSPECTION_STEPS: readonly Phase[] = ['milestone-inspection', 'final-acceptance'];
const PAGE_SIZE = 20;

export function MyWork() {
  const words = useWords();
  const { t } = words;
  const me = useMe();
  const navigate = useNavigate();
  const tasks = useLoad(() => loadAllTasks(), []);
  const program = useLoad(() => preferredProgramId(me.county), [me.county]);
  const places = usePlaces([program.data]);
  const [step, setStep] = useState<Phase | 'all'>('all');
  const [township, setTownship] = useState<string>();
  const [page, setPage] = useState(1);

  const all = useMemo(() => [...(tasks.data ?? [])].sort(byUrgency), [tasks.data]);
  const counts = new Map<Phase, number>();
  for (const task of all) counts.set(task.step, (counts.get(task.step) ?? 0) + 1);
  const overdue = all.filter((task) => task.overdue).length;
  const townships = [...new Set(all.map((task) => task.township))];
  const shown = all.filter(
    (task) => (step === 'all' || task.step === step) && (township === undefined || task.township === township),
  );
  const visible = shown.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const households = useHouseholds(visible.filter((task) => !task.headName).map((task) => task.householdId));

  const open = (task: TaskView) =>
    navigate(
      INSPECTION_STEPS.includes(task.step) ? `/inspector/${task.householdId}` : `/households/${task.householdId}`,
    );

  return (
    <Card title={t('work.title')} extra={<Button onClick={tasks.reload}>{t('common.refresh')}</Button>}>
      {tasks.error && <Alert type="error" title={tasks.error} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} sm={8} md={6}>
          <Statistic title={t('work.total')} value={all.length} data-testid="task-count-total" />
        </Col>
        <Col xs={12} sm={8} md={6}>
          <Statistic
            title={t('work.overdueCount')}
            value={overdue}
            styles={{ content: overdue > 0 ? { color: '#a8071a' } : {} }}
            data-testid="task-count-overdue"
          />
        </Col>
        {[...counts].map(([phase, count]) => (
          <Col xs={12} sm={8} md={6} key={phase}>
            <Statistic title={words.label(PHASE_TITLES, phase)} value={count} data-testid={`task-count-${phase}`} />
          </Col>
        ))}
      </Row>
      <Space wrap style={{ marginBottom: 16 }}>
        {counts.size > 1 && (
          <Segmented<Phase | 'all'>
            aria-label={t('work.filterStep')}
            value={step}
            onChange={(value) => {
              setStep(value);
              setPage(1);
            }}
            options={[
              { value: 'all', label: `${t('work.all')} (${all.length})` },
              ...[...counts].map(([phase, count]) => ({
                value: phase,
                label: `${words.label(PHASE_TITLES, phase)} (${count})`,
              })),
            ]}
            data-testid="work-filter-step"
          />
        )}
        {townships.length > 1 && (
          <Select
            allowClear
            aria-label={t('work.filterTownship')}
            placeholder={t('work.filterTownship')}
            style={{ minWidth: 160 }}
            value={township}
            onChange={(value?: string) => {
              setTownship(value);
              setPage(1);
            }}
            options={townships.map((code) => ({
              value: code,
              label: `${places.township(code)} (${all.filter((task) => task.township === code).length})`,
            }))}
            data-testid="work-filter-township"
          />
        )}
      </Space>
      <Table<TaskView>
        rowKey={(task) => `${task.householdId}/${task.step}`}
        loading={tasks.loading}
        dataSource={shown}
        pagination={{ pageSize: PAGE_SIZE, current: page, onChange: setPage, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('work.empty') }}
        onRow={(task) =>
          ({
            onClick: () => open(task),
            style: { cursor: 'pointer' },
            'data-testid': `task-row-${task.householdId}`,
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('work.household'),
            key: 'household',
            render: (_: unknown, task) => (
              <HouseholdName
                householdId={task.householdId}
                summary={
                  task.headName && task.villageCode
                    ? { householdId: task.householdId, headName: task.headName, villageCode: task.villageCode }
                    : households(task.householdId)
                }
              />
            ),
          },
          { title: t('work.step'), dataIndex: 'step', render: (phase: Phase) => words.label(PHASE_TITLES, phase) },
          {
            title: t('flagging.column'),
            key: 'flags',
            render: (_: unknown, task) => <FlagTags summary={task.flags} testId={`task-flags-${task.householdId}`} />,
          },
          { title: t('work.township'), dataIndex: 'township', render: (code: string) => places.township(code) },
          {
            title: t('work.due'),
            dataIndex: 'dueAt',
            render: (dueAt: string | undefined, task) => (
              <>
                {words.date(dueAt)} {task.overdue && <Tag color="red">{t('work.overdue')}</Tag>}
              </>
            ),
          },
          {
            key: 'open',
            render: (_: unknown, task) => (
              <Button type="link" onClick={() => open(task)}>
                {t('work.open')}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
