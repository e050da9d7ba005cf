import { Alert, Button, Card, Form, Input, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PHASES } from '../../../domain/model';
import { getJson } from '../api/client';
import type { Household, Page, Phase } from '../api/types';
import { errorSentence } from '../common/errors';
import { useMe } from '../layout/UserContext';

interface Filters {
  township?: string;
  phase?: Phase;
}

export function HouseholdList() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [filters, setFilters] = useState<Filters>({});
  const [items, setItems] = useState<Household[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  const load = useCallback(
    async (from: string | undefined, append: boolean) => {
      setLoading(true);
      setFailure(undefined);
      try {
        const query = new URLSearchParams();
        if (me.county) query.set('county', me.county);
        const township = filters.township?.trim() || me.township;
        if (township) query.set('township', township);
        if (filters.phase) query.set('phase', filters.phase);
        if (from) query.set('cursor', from);
        const page = await getJson<Page<Household>>(`/households?${query}`);
        setItems((previous) => (append ? [...previous, ...page.items] : page.items));
        setCursor(page.cursor);
      } catch (error) {
        setFailure(error);
      } finally {
        setLoading(false);
      }
    },
    [filters, me],
  );

  useEffect(() => {
    void load(undefined, false);
  }, [load]);

  return (
    <Card title={t('households.title')}>
      <Form<Filters> layout="inline" onFinish={(values) => setFilters(values)} style={{ marginBottom: 16, rowGap: 8 }}>
        {!me.township && (
          <Form.Item name="township" label={t('households.filterTownship')}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
        )}
        <Form.Item name="phase" label={t('households.filterPhase')}>
          <Select
            allowClear
            style={{ width: 160 }}
            options={PHASES.map((phase) => ({ value: phase, label: t(`phases.${phase}`) }))}
          />
        </Form.Item>
        <Button htmlType="submit" type="primary">
          {t('households.search')}
        </Button>
      </Form>
      {failure !== undefined && (
        <Alert type="error" title={errorSentence(failure, t, i18n.language)} style={{ marginBottom: 16 }} />
      )}
      <Table<Household>
        rowKey="householdId"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('households.id'),
            dataIndex: 'householdId',
            render: (id: string) => (
              <Link to={`/households/${id}`} data-testid={`household-link-${id}`}>
                {id}
              </Link>
            ),
          },
          { title: t('households.head'), dataIndex: ['head', 'name'] },
          { title: t('households.village'), dataIndex: 'villageCode' },
          { title: t('households.category'), dataIndex: 'category', render: (c: string) => t(`categories.${c}`) },
          { title: t('households.phase'), dataIndex: 'phase', render: (p: Phase) => t(`phases.${p}`) },
          {
            title: t('households.createdAt'),
            dataIndex: 'createdAt',
            render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm'),
          },
        ]}
      />
      {cursor && (
        <Space style={{ marginTop: 16 }}>
          <Button onClick={() => void load(cursor, true)} loading={loading}>
            {t('households.more')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
