import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Space, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { chinaToday } from '../../../domain/china-time';
import { sum } from '../../../domain/funding/money';
import type { Phase } from '../../../domain/model';
import { download, getJson, postJson } from '../api/client';
import { finishIntent, intentKey, outcomeUnknown } from '../api/intent';
import { paymentsAwaitingApproval } from '../api/second-round';
import type { Household, HouseholdFile, Page, PaymentView } from '../api/types';
import { errorSentence } from '../common/errors';
import { HouseholdName, householdText } from '../common/HouseholdName';
import { useLoad } from '../common/hooks';
import { ensureProgram, type HouseholdSummary, rememberHousehold, rememberSummary, usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { dueInstallment } from '../households/ActionForm';
import { useMe } from '../layout/UserContext';
import { loadAllTasks } from '../work/tasks';

interface ReadyRow {
  file: HouseholdFile;
  installment: number;
  label: string;
  amount: number | undefined;
}

/** Files fetched a few at a time, so a long list does not flood the API. */
async function filesOf(ids: readonly string[]): Promise<HouseholdFile[]> {
  const files: HouseholdFile[] = [];
  for (let i = 0; i < ids.length; i += 6) {
    files.push(
      ...(await Promise.all(
        ids.slice(i, i + 6).map((id) => getJson<HouseholdFile>(`/households/${encodeURIComponent(id)}`)),
      )),
    );
  }
  for (const file of files) rememberHousehold(file.household);
  return files;
}

/** The installment each household waits for, computed with the domain's own plan (same rounding as the API). */
async function readyRows(): Promise<ReadyRow[]> {
  const tasks = await loadAllTasks('installment-release');
  const files = await filesOf(tasks.map((task) => task.householdId));
  return Promise.all(
    files.map(async (file) => {
      const due = dueInstallment(file, await ensureProgram(file.household.programId));
      return { file, installment: file.household.nextInstallment, label: due?.label ?? '', amount: due?.amount };
    }),
  );
}

/** Phases in which a released installment may still wait for its second signature. */
const PAID_PHASES: readonly Phase[] = [
  'milestone-inspection',
  'final-acceptance',
  'installment-release',
  'archiving',
  'archived',
];

/**
 * Until the server lists payments awaiting approval: every household of the phases a released
 * payment can be in, page by page (slow, and said to be possibly incomplete on screen).
 */
async function scanAwaitingApproval(county: string | undefined): Promise<PaymentView[]> {
  const ids = new Set<string>();
  for (const phase of PAID_PHASES) {
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ phase, limit: '100' });
      if (county) query.set('county', county);
      if (cursor) query.set('cursor', cursor);
      const page = await getJson<Page<Household>>(`/households?${query}`);
      for (const household of page.items) ids.add(household.householdId);
      cursor = page.cursor;
    } while (cursor);
  }
  const files = await filesOf([...ids]);
  return files.flatMap((file) =>
    file.payments
      .filter((p) => p.status === 'released' && p.approvedBy === undefined)
      .map((p) => ({ ...p, headName: file.household.head.name, villageCode: file.household.villageCode })),
  );
}

async function awaitingApproval(county: string | undefined): Promise<{ payments: PaymentView[]; complete: boolean }> {
  const listed = await paymentsAwaitingApproval(county);
  if (!listed.available) return { payments: await scanAwaitingApproval(county), complete: false };
  for (const payment of listed.value.items) {
    if (payment.headName && payment.villageCode) {
      rememberSummary({
        householdId: payment.householdId,
        headName: payment.headName,
        villageCode: payment.villageCode,
        ...(payment.programId ? { programId: payment.programId } : {}),
      });
    }
  }
  return { payments: listed.value.items, complete: true };
}

const paymentKey = (payment: Pick<PaymentView, 'householdId' | 'installment'>) =>
  `${payment.householdId}/${payment.installment}`;

function summaryOf(payment: PaymentView): HouseholdSummary | undefined {
  return payment.headName && payment.villageCode
    ? { householdId: payment.householdId, headName: payment.headName, villageCode: payment.villageCode }
    : undefined;
}

export function FinanceView() {
  const words = useWords();
  const { t, i18nLanguage } = words;
  const me = useMe();
  const { message, modal } = App.useApp();
  const ready = useLoad(readyRows, []);
  const pending = useLoad(() => awaitingApproval(me.county), [me.county]);
  const places = usePlaces();
  const [busy, setBusy] = useState<string>();
  const [selected, setSelected] = useState<string[]>([]);
  const payments = pending.data?.payments ?? [];

  const householdOf = (householdId: string, summary: HouseholdSummary | undefined) =>
    householdText(householdId, summary, places.place, words.language);

  /** One user intent: its key is kept for a retry after a lost answer, dropped once the outcome is known. */
  async function intent(scope: string, body: unknown, call: (key: string) => Promise<unknown>): Promise<void> {
    try {
      await call(intentKey(scope, body));
      finishIntent(scope);
    } catch (error) {
      if (!outcomeUnknown(error)) finishIntent(scope);
      throw error;
    }
  }

  async function act(key: string, work: () => Promise<unknown>, done: string) {
    setBusy(key);
    try {
      await work();
      void message.success(done);
      ready.reload();
      pending.reload();
    } catch (error) {
      void message.error(errorSentence(error, t, i18nLanguage));
    } finally {
      setBusy(undefined);
    }
  }

  function details(household: string, installment: string, amount: number | undefined) {
    return (
      <div data-testid="confirm-details">
        <div>{t('finance.confirmHousehold', { household })}</div>
        <div>{t('finance.confirmInstallment', { installment })}</div>
        <div>{t('finance.confirmAmount', { amount: words.money(amount) })}</div>
      </div>
    );
  }

  const release = (row: ReadyRow) => {
    const body = { version: row.file.version, installment: row.installment };
    const { household } = row.file;
    modal.confirm({
      title: t('finance.confirmReleaseTitle'),
      content: details(
        householdOf(row.file.householdId, {
          householdId: row.file.householdId,
          headName: household.head.name,
          villageCode: household.villageCode,
        }),
        `${words.installment(row.installment)} ${row.label}`.trim(),
        row.amount,
      ),
      okText: t('finance.release'),
      cancelText: t('common.cancel'),
      onOk: () =>
        act(
          `release-${row.file.householdId}`,
          () =>
            intent(`release-installment/${row.file.householdId}`, body, (key) =>
              postJson(`/households/${encodeURIComponent(row.file.householdId)}/actions/release-installment`, body, {
                'idempotency-key': key,
              }),
            ),
          t('finance.released'),
        ),
    });
  };

  const approveOne = (payment: PaymentView) =>
    intent(`approve/${paymentKey(payment)}`, paymentKey(payment), (key) =>
      postJson(`/payments/${encodeURIComponent(payment.householdId)}/${payment.installment}/approve`, undefined, {
        'idempotency-key': key,
      }),
    );

  const approve = (payment: PaymentView) =>
    modal.confirm({
      title: t('finance.confirmApproveTitle'),
      content: details(
        householdOf(payment.householdId, summaryOf(payment)),
        `${words.installment(payment.installment)} ${payment.label ?? ''}`.trim(),
        payment.amount,
      ),
      okText: t('finance.approve'),
      cancelText: t('common.cancel'),
      onOk: () => act(`approve-${paymentKey(payment)}`, () => approveOne(payment), t('finance.approved')),
    });

  /** A selection moves a lot of money at once: two confirmations, the second with the total. */
  const approveSelection = () => {
    const chosen = payments.filter((payment) => selected.includes(paymentKey(payment)));
    if (chosen.length === 0) return;
    const total = words.money(sum(chosen.map((payment) => payment.amount)));
    modal.confirm({
      title: t('finance.confirmSelectionTitle', { count: chosen.length }),
      content: (
        <div data-testid="confirm-selection">
          {chosen.map((payment) => (
            <div key={paymentKey(payment)}>
              {householdOf(payment.householdId, summaryOf(payment))} · {words.installment(payment.installment)} ·{' '}
              {words.money(payment.amount)}
            </div>
          ))}
          <Typography.Text strong>{t('finance.confirmSelectionTotal', { amount: total })}</Typography.Text>
        </div>
      ),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: () =>
        new Promise<void>((resolve) => {
          resolve();
          modal.confirm({
            title: t('finance.confirmSecondTitle'),
            content: (
              <div data-testid="confirm-second">
                {t('finance.confirmSecond', { count: chosen.length, amount: total })}
              </div>
            ),
            okText: t('finance.approve'),
            cancelText: t('common.cancel'),
            onOk: async () => {
              setBusy('selection');
              let done = 0;
              let failure: unknown;
              for (const payment of chosen) {
                try {
                  await approveOne(payment);
                  done += 1;
                } catch (error) {
                  failure = error;
                }
              }
              setBusy(undefined);
              setSelected([]);
              if (failure === undefined) void message.success(t('finance.approvedMany', { count: done }));
              else
                void message.error(
                  t('finance.approvedSome', {
                    done,
                    failed: chosen.length - done,
                    reason: errorSentence(failure, t, i18nLanguage),
                  }),
                );
              pending.reload();
            },
          });
        }),
    });
  };

  const batch = () =>
    act(
      'batch',
      () => download(`/payments/batch?county=${me.county ?? ''}&date=${chinaToday()}`, `batch-${chinaToday()}.csv`),
      t('finance.batch'),
    );

  const totalPending = sum(payments.map((payment) => payment.amount));
  const selectedTotal = sum(
    payments.filter((payment) => selected.includes(paymentKey(payment))).map((payment) => payment.amount),
  );

  return (
    <Card
      title={t('finance.title')}
      extra={
        <Button
          icon={<DownloadOutlined />}
          onClick={() => void batch()}
          loading={busy === 'batch'}
          data-testid="batch-download"
        >
          {t('finance.batch')}
        </Button>
      }
    >
      <Tabs
        items={[
          {
            key: 'ready',
            label: `${t('finance.ready')} (${ready.data?.length ?? 0})`,
            children: (
              <>
                {ready.error && <Alert type="error" title={ready.error} style={{ marginBottom: 16 }} />}
                <Table<ReadyRow>
                  rowKey={(row) => row.file.householdId}
                  loading={ready.loading}
                  dataSource={ready.data ?? []}
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: t('finance.nothingToRelease') }}
                  columns={[
                    {
                      title: t('finance.household'),
                      render: (_, row) => (
                        <Link to={`/households/${row.file.householdId}`}>
                          <HouseholdName
                            householdId={row.file.householdId}
                            summary={{
                              householdId: row.file.householdId,
                              headName: row.file.household.head.name,
                              villageCode: row.file.household.villageCode,
                            }}
                          />
                        </Link>
                      ),
                    },
                    {
                      title: t('file.installment'),
                      render: (_, row) => `${words.installment(row.installment)} ${row.label}`,
                    },
                    { title: t('file.amount'), align: 'right', render: (_, row) => words.yuan(row.amount) },
                    {
                      title: t('file.subsidy'),
                      align: 'right',
                      render: (_, row) => words.yuan(row.file.household.approvedSubsidy),
                    },
                    {
                      key: 'release',
                      render: (_, row) => (
                        <Button
                          type="primary"
                          loading={busy === `release-${row.file.householdId}`}
                          disabled={row.amount === undefined}
                          onClick={() => release(row)}
                          data-testid={`release-${row.file.householdId}`}
                        >
                          {t('finance.release')}
                        </Button>
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
          {
            key: 'approve',
            label: `${t('finance.toApprove')} (${payments.length})`,
            children: (
              <>
                {pending.error && <Alert type="error" title={pending.error} style={{ marginBottom: 16 }} />}
                {pending.data && !pending.data.complete && (
                  <Alert
                    type="warning"
                    title={t('finance.listIncomplete')}
                    style={{ marginBottom: 16 }}
                    data-testid="approve-incomplete"
                  />
                )}
                <Space wrap style={{ marginBottom: 12 }}>
                  <Typography.Text data-testid="approve-totals">
                    {t('finance.totals', { count: payments.length, amount: words.money(totalPending) })}
                  </Typography.Text>
                  <Button
                    type="primary"
                    disabled={selected.length === 0}
                    loading={busy === 'selection'}
                    onClick={approveSelection}
                    data-testid="approve-selected"
                  >
                    {t('finance.approveSelected')}
                    {selected.length > 0 ? ` (${selected.length} · ${words.money(selectedTotal)})` : ''}
                  </Button>
                </Space>
                <Table<PaymentView>
                  rowKey={paymentKey}
                  loading={pending.loading}
                  dataSource={payments}
                  pagination={{ pageSize: 50, hideOnSinglePage: true }}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: t('finance.nothingToApprove') }}
                  rowSelection={{
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys.map(String)),
                    getCheckboxProps: (payment) => ({
                      disabled: payment.releasedBy === me.username,
                      'aria-label': householdOf(payment.householdId, summaryOf(payment)),
                    }),
                  }}
                  columns={[
                    {
                      title: t('finance.household'),
                      key: 'household',
                      render: (_, payment) => (
                        <Link to={`/households/${payment.householdId}`}>
                          <HouseholdName householdId={payment.householdId} summary={summaryOf(payment)} />
                        </Link>
                      ),
                    },
                    {
                      title: t('file.installment'),
                      dataIndex: 'installment',
                      render: (n: number, payment) => `${words.installment(n)} ${payment.label ?? ''}`.trim(),
                    },
                    {
                      title: t('file.amount'),
                      dataIndex: 'amount',
                      align: 'right',
                      render: (fen: number) => words.yuan(fen),
                    },
                    { title: t('file.releasedBy'), dataIndex: 'releasedBy' },
                    { title: t('file.releasedAt'), dataIndex: 'releasedAt', render: (at: string) => words.time(at) },
                    {
                      key: 'approve',
                      render: (_, payment) => (
                        <Button
                          disabled={payment.releasedBy === me.username}
                          title={payment.releasedBy === me.username ? t('finance.ownRelease') : undefined}
                          loading={busy === `approve-${paymentKey(payment)}`}
                          onClick={() => approve(payment)}
                          data-testid={`approve-${payment.householdId}-${payment.installment}`}
                        >
                          {t('finance.approve')}
                        </Button>
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}
