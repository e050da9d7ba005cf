import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Popconfirm, Table, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { buildFundingPlan } from '../../../domain/funding/plan';
import type { Phase, ProgramConfig } from '../../../domain/model';
import { download, getJson, postJson } from '../api/client';
import { type Household, type HouseholdFile, type Page, type PaymentView, yuan } from '../api/types';
import { errorSentence } from '../common/errors';
import { useLoad } from '../common/hooks';
import { loadProgram } from '../households/program';
import { useMe } from '../layout/UserContext';
import { loadAllTasks } from '../work/MyWork';

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
  return files;
}

/** The installment the release will pay, computed with the domain's own plan (same rounding as the API). */
async function readyRows(): Promise<ReadyRow[]> {
  const tasks = await loadAllTasks('installment-release');
  const files = await filesOf(tasks.map((task) => task.householdId));
  const programs = new Map<string, Promise<ProgramConfig>>();
  return Promise.all(
    files.map(async (file) => {
      const { household } = file;
      let program = programs.get(household.programId);
      if (!program) {
        program = loadProgram(household.programId);
        programs.set(household.programId, program);
      }
      const config = await program.catch(() => undefined);
      const plan =
        config && household.approvedSubsidy !== undefined
          ? buildFundingPlan(config, { householdId: household.householdId, approvedSubsidy: household.approvedSubsidy })
          : undefined;
      const row = plan?.installments[household.nextInstallment];
      return {
        file,
        installment: household.nextInstallment,
        label: row?.label ?? '',
        amount: row?.amount,
      };
    }),
  );
}

/** Phases in which a released installment may still wait for its second signature. */
const PAID_PHASES: readonly Phase[] = ['milestone-inspection', 'final-acceptance', 'installment-release', 'archiving'];

async function awaitingApproval(county: string | undefined): Promise<PaymentView[]> {
  const ids = new Set<string>();
  for (const phase of PAID_PHASES) {
    const query = new URLSearchParams({ phase, limit: '50' });
    if (county) query.set('county', county);
    const page = await getJson<Page<Household>>(`/households?${query}`);
    for (const household of page.items) ids.add(household.householdId);
  }
  const files = await filesOf([...ids]);
  return files.flatMap((file) => file.payments.filter((p) => p.status === 'released' && p.approvedBy === undefined));
}

/** The bank's business day (China Standard Time), as the API dates approvals. */
function chinaDay(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function FinanceView() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const ready = useLoad(readyRows, []);
  const pending = useLoad(() => awaitingApproval(me.county), []);
  const [busy, setBusy] = useState<string>();

  async function act(key: string, work: () => Promise<unknown>, done: string) {
    setBusy(key);
    try {
      await work();
      void message.success(done);
      ready.reload();
      pending.reload();
    } catch (error) {
      void message.error(errorSentence(error, t, i18n.language));
    } finally {
      setBusy(undefined);
    }
  }

  const release = (row: ReadyRow) =>
    act(
      `release-${row.file.householdId}`,
      () =>
        postJson(
          `/households/${encodeURIComponent(row.file.householdId)}/actions/release-installment`,
          { version: row.file.version, installment: row.installment },
          { 'idempotency-key': `release-${row.file.householdId}-${row.installment}-${row.file.version}` },
        ),
      t('finance.released'),
    );

  const approve = (payment: PaymentView) =>
    act(
      `approve-${payment.reference}`,
      () => postJson(`/payments/${encodeURIComponent(payment.householdId)}/${payment.installment}/approve`),
      t('finance.approved'),
    );

  const batch = () =>
    act(
      'batch',
      () => download(`/payments/batch?county=${me.county ?? ''}&date=${chinaDay()}`, `batch-${chinaDay()}.csv`),
      t('finance.batch'),
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
                  columns={[
                    {
                      title: t('households.id'),
                      render: (_, row) => (
                        <Link to={`/households/${row.file.householdId}`}>{row.file.householdId}</Link>
                      ),
                    },
                    { title: t('households.head'), render: (_, row) => row.file.household.head.name },
                    {
                      title: t('file.installment'),
                      render: (_, row) => `${t('finance.installmentN', { n: row.installment + 1 })} ${row.label}`,
                    },
                    { title: t('file.amount'), render: (_, row) => yuan(row.amount) },
                    { title: t('file.subsidy'), render: (_, row) => yuan(row.file.household.approvedSubsidy) },
                    {
                      key: 'release',
                      render: (_, row) => (
                        <Popconfirm
                          title={t('finance.confirmRelease', { n: row.installment + 1, amount: yuan(row.amount) })}
                          okText={t('common.ok')}
                          cancelText={t('common.cancel')}
                          onConfirm={() => release(row)}
                        >
                          <Button
                            type="primary"
                            loading={busy === `release-${row.file.householdId}`}
                            data-testid={`release-${row.file.householdId}`}
                          >
                            {t('finance.release')}
                          </Button>
                        </Popconfirm>
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
          {
            key: 'approve',
            label: `${t('finance.toApprove')} (${pending.data?.length ?? 0})`,
            children: (
              <>
                {pending.error && <Alert type="error" title={pending.error} style={{ marginBottom: 16 }} />}
                <Table<PaymentView>
                  rowKey="reference"
                  loading={pending.loading}
                  dataSource={pending.data ?? []}
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: t('finance.nothingToApprove') }}
                  columns={[
                    {
                      title: t('households.id'),
                      dataIndex: 'householdId',
                      render: (id: string) => <Link to={`/households/${id}`}>{id}</Link>,
                    },
                    {
                      title: t('file.installment'),
                      dataIndex: 'installment',
                      render: (n: number) => t('finance.installmentN', { n: n + 1 }),
                    },
                    { title: t('file.amount'), dataIndex: 'amount', render: (fen: number) => yuan(fen) },
                    { title: t('file.reference'), dataIndex: 'reference' },
                    { title: t('file.signedBy'), dataIndex: 'releasedBy' },
                    {
                      key: 'approve',
                      render: (_, payment) => (
                        <Popconfirm
                          title={t('finance.confirmApprove')}
                          okText={t('common.ok')}
                          cancelText={t('common.cancel')}
                          onConfirm={() => approve(payment)}
                        >
                          <Button
                            disabled={payment.releasedBy === me.username}
                            loading={busy === `approve-${payment.reference}`}
                            data-testid={`approve-${payment.reference}`}
                          >
                            {t('finance.approve')}
                          </Button>
                        </Popconfirm>
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
