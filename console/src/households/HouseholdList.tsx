import { Alert, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { CATEGORY_TITLES, householdReference, PHASE_TITLES } from '../../../domain/labels';
import { PHASES } from '../../../domain/model';
import { getJson } from '../api/client';
import { searchHouseholds } from '../api/second-round';
import type { Household, Page, Phase } from '../api/types';
import { errorSentence } from '../common/errors';
import { FlagTags, flagSummaryOf } from '../common/FlagTags';
import { idNumberOf } from '../common/format';
import { useLoad } from '../common/hooks';
import { rememberHousehold, usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { useMe } from '../layout/UserContext';
import { preferredProgramId } from './program';

interface Filters {
  q?: string;
  township?: string;
  village?: string;
  phase?: Phase;
}

/** An 18-character ID number is looked up exactly; anything else is a name (or a village name). */
function queryText(q: string): string {
  const compact = idNumberOf(q);
  return /^\d{17}[\dX]$/.test(compact) ? compact : q.trim();
}

export function HouseholdList() {
  const words = useWords();
  const { t, i18nLanguage } = words;
  const me = useMe();
  const program = useLoad(() => preferredProgramId(me.county), [me.county]);
  const places = usePlaces([program.data]);
  const [form] = Form.useForm<Filters>();
  const chosenTownship = Form.useWatch('township', form);
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
        const township = filters.township || me.township;
        if (township) query.set('township', township);
        if (filters.phase) query.set('phase', filters.phase);
        if (from) query.set('cursor', from);
        let page: Page<Household>;
        if (filters.q?.trim() || filters.village) {
          // The server's search: an exact ID number, a village's name or the beginning of the head's name.
          const search = new URLSearchParams(query);
          if (filters.q?.trim()) search.set('q', queryText(filters.q));
          if (filters.village) search.set('village', filters.village);
          page = await searchHouseholds(search);
        } else {
          page = await getJson<Page<Household>>(`/households?${query}`);
        }
        for (const household of page.items) rememberHousehold(household);
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

  const townships = places.townships().filter((township) => !me.township || township.code === me.township);
  const villages = townships
    .filter((township) => !chosenTownship || township.code === chosenTownship)
    .flatMap((township) => township.villages.map((v) => ({ value: v.code, label: `${township.name} ${v.name}` })));

  return (
    <Card title={t('households.title')}>
      <Form<Filters>
        form={form}
        layout="inline"
        onFinish={(values) => setFilters(values)}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="q" label={t('households.query')}>
          <Input allowClear style={{ width: 200 }} data-testid="household-search" />
        </Form.Item>
        {!me.township && (
          <Form.Item name="township" label={t('households.filterTownship')}>
            <Select
              allowClear
              style={{ width: 150 }}
              options={townships.map((township) => ({ value: township.code, label: township.name }))}
              onChange={() => form.setFieldValue('village', undefined)}
              data-testid="household-filter-township"
            />
          </Form.Item>
        )}
        <Form.Item name="village" label={t('households.filterVillage')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} style={{ width: 180 }} options={villages} />
        </Form.Item>
        <Form.Item name="phase" label={t('households.filterPhase')}>
          <Select
            allowClear
            style={{ width: 160 }}
            options={PHASES.map((phase) => ({ value: phase, label: words.label(PHASE_TITLES, phase) }))}
          />
        </Form.Item>
        <Button htmlType="submit" type="primary" data-testid="household-search-submit">
          {t('households.search')}
        </Button>
      </Form>
      {failure !== undefined && (
        <Alert type="error" title={errorSentence(failure, t, i18nLanguage)} style={{ marginBottom: 16 }} />
      )}
      <Table<Household>
        rowKey="householdId"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('households.head'),
            key: 'head',
            render: (_, household) => (
              <Link to={`/households/${household.householdId}`} data-testid={`household-link-${household.householdId}`}>
                {household.head.name}
              </Link>
            ),
          },
          { title: t('households.village'), key: 'village', render: (_, h) => places.place(h.villageCode) },
          {
            title: t('households.category'),
            dataIndex: 'category',
            render: (c: string) => words.label(CATEGORY_TITLES, c),
          },
          { title: t('households.phase'), dataIndex: 'phase', render: (p: Phase) => words.label(PHASE_TITLES, p) },
          {
            title: t('flagging.column'),
            key: 'flags',
            render: (_, h) => <FlagTags summary={flagSummaryOf(h)} testId={`household-flags-${h.householdId}`} />,
          },
          { title: t('households.createdAt'), dataIndex: 'createdAt', render: (at: string) => words.time(at) },
          {
            title: t('households.reference'),
            dataIndex: 'householdId',
            render: (id: string) => <Typography.Text type="secondary">{householdReference(id)}</Typography.Text>,
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
