import { Alert, Button, Card, Col, Row, Statistic, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { getJson } from '../api/client';
import type { Page, Phase, TaskView } from '../api/types';
import { useLoad } from '../common/hooks';

const INSPECTION_STEPS: readonly Phase[] = ['milestone-inspection', 'final-acceptance'];

/** Every page of the caller's queue: a queue is a few hundred tasks at most, one county's work. */
export async function loadAllTasks(step?: Phase): Promise<TaskView[]> {
  const tasks: TaskView[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100' });
    if (step) query.set('step', step);
    if (cursor) query.set('cursor', cursor);
    const page = await getJson<Page<TaskView>>(`/tasks?${query}`);
    tasks.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return tasks;
}

/** Overdue first, then the nearest deadline. */
export function byUrgency(a: TaskView, b: TaskView): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999');
}

export function MyWork() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const tasks = useLoad(() => loadAllTasks(), []);
  const items = [...(tasks.data ?? [])].sort(byUrgency);
  const counts = new Map<Phase, number>();
  for (const task of items) counts.set(task.step, (counts.get(task.step) ?? 0) + 1);
  const overdue = items.filter((task) => task.overdue).length;

  const open = (task: TaskView) =>
    navigate(
      INSPECTION_STEPS.includes(task.step) ? `/inspector/${task.householdId}` : `/households/${task.householdId}`,
    );

  return (
    <Card title={t('work.title')} extra={<Button onClick={tasks.reload}>{t('common.refresh')}</Button>}>
      {tasks.error && <Alert type="error" title={tasks.error} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} sm={8} md={6}>
          <Statistic title={t('work.total')} value={items.length} data-testid="task-count-total" />
        </Col>
        <Col xs={12} sm={8} md={6}>
          <Statistic
            title={t('work.overdueCount')}
            value={overdue}
            styles={{ content: overdue > 0 ? { color: '#cf1322' } : {} }}
            data-testid="task-count-overdue"
          />
        </Col>
        {[...counts].map(([step, count]) => (
          <Col xs={12} sm={8} md={6} key={step}>
            <Statistic title={t(`phases.${step}`)} value={count} data-testid={`task-count-${step}`} />
          </Col>
        ))}
      </Row>
      <Table<TaskView>
        rowKey={(task) => `${task.householdId}/${task.step}`}
        loading={tasks.loading}
        dataSource={items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
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
          { title: t('work.household'), dataIndex: 'householdId' },
          { title: t('work.step'), dataIndex: 'step', render: (step: Phase) => t(`phases.${step}`) },
          { title: t('work.township'), dataIndex: 'township' },
          {
            title: t('work.due'),
            dataIndex: 'dueAt',
            render: (dueAt: string | undefined, task) => (
              <>
                {dueAt ? dayjs(dueAt).format('YYYY-MM-DD') : '-'}{' '}
                {task.overdue && <Tag color="red">{t('work.overdue')}</Tag>}
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
