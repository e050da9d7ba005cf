import { PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Select, Table } from 'antd';
import { useState } from 'react';
import { chineseCalendarDate } from '../../../domain/china-time';
import { CATEGORY_TITLES, GRADE_TITLES, MODE_TITLES } from '../../../domain/labels';
import { getJson } from '../api/client';
import type { NoticeItem } from '../api/types';
import { errorSentence } from '../common/errors';
import { chinaDate, chinaToday } from '../common/format';
import { useLoad } from '../common/hooks';
import { usePlaces } from '../common/places';
import { useWords } from '../common/words';
import { preferredProgramId } from '../households/program';
import { useMe } from '../layout/UserContext';

interface Filters {
  township?: string;
  village?: string;
}

/**
 * Who issues the notice and whom to call, when the program's configuration says (fields the lead
 * adds to the program configuration); until then the printed sheet has a line to fill by hand.
 */
interface NoticeContact {
  issuingOffice?: string;
  contactPhone?: string;
}

function noticeContact(program: unknown): NoticeContact {
  const notice = (program as { notice?: NoticeContact } | undefined)?.notice;
  return {
    ...(typeof notice?.issuingOffice === 'string' ? { issuingOffice: notice.issuingOffice } : {}),
    ...(typeof notice?.contactPhone === 'string' ? { contactPhone: notice.contactPhone } : {}),
  };
}

const BLANK = '\u00a0'.repeat(24);

/**
 * The public notice (公示) of approved households as county notices look: title, area, the list
 * (ID numbers masked by the API), the period and the objection deadline, the issuing office, the
 * publication date, the contact phone and a place for the seal; printable for the village board.
 */
export function NoticePage() {
  const words = useWords();
  const { t, i18nLanguage, language } = words;
  const me = useMe();
  const programId = useLoad(() => preferredProgramId(me.county), [me.county]);
  const places = usePlaces([programId.data]);
  const program = places.program(programId.data);
  const [form] = Form.useForm<Filters>();
  const township = Form.useWatch('township', form);
  const [items, setItems] = useState<NoticeItem[]>();
  const [failure, setFailure] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [shown, setShown] = useState<Filters>();

  async function load(filters: Filters) {
    setLoading(true);
    setFailure(undefined);
    try {
      const query = new URLSearchParams();
      if (me.county) query.set('county', me.county);
      const area = filters.township ?? me.township;
      if (area) query.set('township', area);
      if (filters.village) query.set('village', filters.village);
      const answer = await getJson<{ items: NoticeItem[] }>(`/notices?${query}`);
      setItems(answer.items);
      setShown({ ...filters, ...(area ? { township: area } : {}) });
    } catch (error) {
      setFailure(error);
    } finally {
      setLoading(false);
    }
  }

  const townships = places.townships().filter((candidate) => !me.township || candidate.code === me.township);
  const villages = townships
    .filter((candidate) => !township || candidate.code === township)
    .flatMap((candidate) => candidate.villages.map((v) => ({ value: v.code, label: `${candidate.name} ${v.name}` })));

  const starts = (items ?? [])
    .map((item) => item.noticeStartsAt)
    .filter((at): at is string => Boolean(at))
    .sort();
  const ends = (items ?? [])
    .map((item) => item.noticeEndsAt)
    .filter((at): at is string => Boolean(at))
    .sort();
  const from = starts[0];
  const to = ends.at(-1);
  const contact = noticeContact(program);
  const day = (iso: string | undefined) =>
    iso ? (language === 'en' ? chinaDate(iso) : chineseCalendarDate(iso)) : BLANK;
  const area = [
    program?.county.name,
    shown?.township ? places.township(shown.township) : undefined,
    shown?.village ? places.village(shown.village) : undefined,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <Card className="notice-sheet">
      <Form<Filters>
        form={form}
        layout="inline"
        className="no-print"
        initialValues={{ township: me.township }}
        onFinish={load}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        {!me.township && (
          <Form.Item name="township" label={t('notices.township')}>
            <Select
              allowClear
              placeholder={t('notices.allTownships')}
              style={{ width: 160 }}
              options={townships.map((candidate) => ({ value: candidate.code, label: candidate.name }))}
              onChange={() => form.setFieldValue('village', undefined)}
              data-testid="notices-township"
            />
          </Form.Item>
        )}
        <Form.Item name="village" label={t('notices.village')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('notices.allVillages')}
            style={{ width: 200 }}
            options={villages}
            data-testid="notices-village"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading} data-testid="notices-load">
          {t('notices.load')}
        </Button>
        <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!items} style={{ marginLeft: 8 }}>
          {t('notices.print')}
        </Button>
      </Form>
      {failure !== undefined && (
        <Alert type="error" className="no-print" title={errorSentence(failure, t, i18nLanguage)} />
      )}
      {items && (!contact.issuingOffice || !contact.contactPhone) && (
        <Alert type="info" className="no-print" title={t('notices.fillByHand')} style={{ marginBottom: 16 }} />
      )}
      {items && (
        <article className="notice-print" data-testid="notice-sheet">
          <h1 className="notice-title">
            {area} {t('notices.title')}
          </h1>
          <p className="notice-intro">{t('notices.intro', { count: items.length })}</p>
          <Table<NoticeItem>
            rowKey="householdId"
            onRow={(item) => ({ 'data-testid': `notice-row-${item.householdId}` }) as React.HTMLAttributes<HTMLElement>}
            size="small"
            bordered
            pagination={false}
            dataSource={items}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: '#', key: 'n', render: (_, __, index) => index + 1 },
              { title: t('notices.head'), dataIndex: 'headName' },
              { title: t('notices.idNumber'), dataIndex: 'idNumberMasked' },
              {
                title: t('households.village'),
                key: 'village',
                render: (_, item) => `${item.township} ${item.village}`,
              },
              {
                title: t('notices.category'),
                dataIndex: 'category',
                render: (c: string) => words.label(CATEGORY_TITLES, c),
              },
              {
                title: t('notices.grade'),
                dataIndex: 'grade',
                render: (g: string | null) => words.label(GRADE_TITLES, g),
              },
              {
                title: t('notices.mode'),
                dataIndex: 'mode',
                render: (m: string | null) => words.label(MODE_TITLES, m),
              },
              {
                title: t('notices.subsidy'),
                dataIndex: 'subsidyFen',
                align: 'right',
                render: (fen: number | null) => words.yuan(fen),
              },
              {
                title: t('notices.period'),
                key: 'period',
                render: (_, item) => `${words.date(item.noticeStartsAt)} ~ ${words.date(item.noticeEndsAt)}`,
              },
              { title: t('notices.objections'), dataIndex: 'objections', align: 'right' },
            ]}
          />
          <p className="notice-deadline" data-testid="notice-deadline">
            {from && to
              ? t('notices.deadline', { from: day(from), to: day(to) })
              : t('notices.deadlineBlank', { days: program?.noticeDays ?? 7 })}
          </p>
          <div className="notice-footer">
            <p>
              {t('notices.contact')}
              <span className="fill-line" data-testid="notice-phone">
                {contact.contactPhone ?? BLANK}
              </span>
            </p>
            <div className="notice-signature">
              <p>
                {t('notices.office')}
                <span className="fill-line" data-testid="notice-office">
                  {contact.issuingOffice ?? BLANK}
                </span>
              </p>
              <p>
                {t('notices.publishedOn')}
                <span data-testid="notice-published">{day(from ?? chinaToday())}</span>
              </p>
              <div className="seal-box">{t('notices.seal')}</div>
            </div>
          </div>
        </article>
      )}
    </Card>
  );
}
