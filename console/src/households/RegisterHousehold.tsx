import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  CATEGORY_TITLES,
  FOUND_BY_TITLES,
  householdReference,
  SITE_TITLES,
  STRUCTURE_TITLES,
} from '../../../domain/labels';
import { CATEGORIES, HouseholdApplication, HouseStructure, type ProgramConfig } from '../../../domain/model';
import { ApiError, postJson } from '../api/client';
import { finishIntent, intentKey, outcomeUnknown } from '../api/intent';
import { apiFieldTexts, clearErrorsOf, errorSentence, showFieldErrors, validateWith } from '../common/errors';
import { bankDigits, idNumberOf } from '../common/format';
import { ensureProgram, rememberHousehold } from '../common/places';
import { useWords } from '../common/words';
import { useMe } from '../layout/UserContext';
import { preferredProgramId, rememberProgram } from './program';

/** The label key (under `fields.`) of each path of the application body. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  programId: 'programId',
  'head.name': 'headName',
  'head.idNumber': 'headIdNumber',
  'head.phone': 'headPhone',
  category: 'category',
  villageCode: 'villageCode',
  'house.structure': 'houseStructure',
  'house.areaM2': 'houseAreaM2',
  'house.builtYear': 'houseBuiltYear',
  bankAccount: 'bankAccount',
  site: 'site',
  foundBy: 'foundBy',
  members: 'members',
  name: 'memberName',
  relation: 'memberRelation',
  idNumber: 'memberIdNumber',
};

/**
 * The categories the program subsidises (those with a subsidy tier): a category no tier pays
 * (其他, "other") would only be refused after the clerk typed the whole application.
 */
export function acceptedCategories(program: Pick<ProgramConfig, 'subsidyTiers'> | undefined): string[] {
  if (!program) return [...CATEGORIES];
  const paid = new Set(program.subsidyTiers.map((tier) => tier.category));
  return CATEGORIES.filter((category) => paid.has(category));
}

interface FormValues {
  programId: string;
  head: { name: string; idNumber: string; phone?: string };
  members?: { name: string; relation: string }[];
  category: string;
  villageCode: string;
  house: { structure: string; areaM2?: number; builtYear?: number };
  site: string;
  bankAccount?: string;
  foundBy: string;
}

/** Optional text left empty is absent, not an empty string the schema would refuse. */
function blankToUndefined<T>(value: T): T {
  if (typeof value === 'string') return (value.trim() === '' ? undefined : value.trim()) as T;
  if (Array.isArray(value)) return value.map(blankToUndefined) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, blankToUndefined(v)])
        .filter(([, v]) => v !== undefined),
    ) as T;
  }
  return value;
}

export function RegisterHousehold() {
  const words = useWords();
  const { t, i18nLanguage } = words;
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [program, setProgram] = useState<ProgramConfig>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function pickProgram(programId: string | undefined) {
    setProgram(undefined);
    if (!programId) return;
    const loaded = await ensureProgram(programId);
    if (loaded) {
      setProgram(loaded);
      setFailure(undefined);
    } else {
      form.setFields([{ name: 'programId', errors: [t('errors.notFound')] }]);
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: only on first render
  useEffect(() => {
    preferredProgramId(me.county).then(
      (programId) => {
        if (!programId) return;
        form.setFieldValue('programId', programId);
        void pickProgram(programId);
      },
      () => undefined,
    );
  }, []);

  const villages = (program?.townships ?? [])
    .filter((township) => !me.township || township.code === me.township)
    .flatMap((township) => township.villages.map((v) => ({ value: v.code, label: `${township.name} ${v.name}` })));
  const labelOf = (path: string) => {
    const key = FIELD_LABELS[path] ?? FIELD_LABELS[path.split('.').pop() ?? ''] ?? 'note';
    return t(`fields.${key}`);
  };

  async function submit(values: FormValues) {
    setFailure(undefined);
    const body = blankToUndefined({
      ...values,
      head: { ...values.head, idNumber: values.head?.idNumber ? idNumberOf(values.head.idNumber) : undefined },
      // People copy card numbers with spaces (6217 9900 ...): the digits are the number.
      bankAccount: values.bankAccount ? bankDigits(values.bankAccount) : undefined,
    });
    const checked = validateWith(HouseholdApplication, body, labelOf, t, i18nLanguage);
    if (!checked.ok) {
      const unplaced = showFieldErrors(form, checked.fields);
      setFailure(unplaced[0] ?? t('errors.fixFields'));
      return;
    }
    setBusy(true);
    const scope = 'register';
    try {
      const created = await postJson<{ householdId: string }>('/households', checked.data, {
        'idempotency-key': intentKey(scope, checked.data),
      });
      finishIntent(scope);
      rememberProgram(values.programId);
      rememberHousehold({ ...checked.data, householdId: created.householdId });
      void message.success(
        t('register.created', { name: checked.data.head.name, reference: householdReference(created.householdId) }),
      );
      navigate(`/households/${created.householdId}`);
    } catch (error) {
      if (!outcomeUnknown(error)) finishIntent(scope);
      if (error instanceof ApiError && error.fields.length > 0)
        showFieldErrors(form, apiFieldTexts(error.fields, labelOf, t, i18nLanguage));
      setFailure(errorSentence(error, t, i18nLanguage));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('register.title')}>
      {failure && <Alert type="error" title={failure} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        onFieldsChange={(changed) => clearErrorsOf(form, changed)}
        initialValues={{ site: 'dispersed', foundBy: 'application', members: [] }}
        data-testid="register-form"
      >
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="programId"
              label={t('register.program')}
              required
              extra={program ? <Typography.Text data-testid="program-name">{program.name}</Typography.Text> : undefined}
            >
              <Input onBlur={(event) => void pickProgram(event.target.value.trim())} data-testid="field-programId" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="villageCode" label={t('register.village')} required>
              <Select showSearch={{ optionFilterProp: 'label' }} options={villages} data-testid="field-villageCode" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="category" label={t('register.category')} required extra={t('register.categoryHint')}>
              <Select
                options={acceptedCategories(program).map((c) => ({ value: c, label: words.label(CATEGORY_TITLES, c) }))}
                data-testid="field-category"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['head', 'name']} label={t('register.headName')} required>
              <Input data-testid="field-head-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['head', 'idNumber']} label={t('register.headId')} required>
              <Input maxLength={18} data-testid="field-head-idNumber" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['head', 'phone']} label={t('register.phone')}>
              <Input data-testid="field-head-phone" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['house', 'structure']} label={t('register.structure')} required>
              <Select
                options={HouseStructure.options.map((s) => ({ value: s, label: words.label(STRUCTURE_TITLES, s) }))}
                data-testid="field-house-structure"
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['house', 'areaM2']} label={t('register.area')} required>
              <InputNumber min={0} style={{ width: '100%' }} data-testid="field-house-areaM2" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['house', 'builtYear']} label={t('register.builtYear')}>
              <InputNumber style={{ width: '100%' }} data-testid="field-house-builtYear" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="bankAccount" label={t('register.bankAccount')} extra={t('register.bankAccountHint')}>
              <Input inputMode="numeric" autoComplete="off" data-testid="field-bankAccount" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="site" label={t('register.site')}>
              <Radio.Group
                options={(['dispersed', 'centralized'] as const).map((s) => ({
                  value: s,
                  label: words.label(SITE_TITLES, s),
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="foundBy" label={t('register.foundBy')}>
              <Radio.Group
                options={(['application', 'proactive'] as const).map((f) => ({
                  value: f,
                  label: words.label(FOUND_BY_TITLES, f),
                }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('register.members')}>
          <Form.List name="members">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" wrap>
                    <Form.Item name={[field.name, 'name']}>
                      <Input placeholder={t('register.memberName')} aria-label={t('register.memberName')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'relation']}>
                      <Input placeholder={t('register.memberRelation')} aria-label={t('register.memberRelation')} />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      aria-label={t('register.removeMember')}
                      onClick={() => remove(field.name)}
                    />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>
                  {t('register.addMember')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="register-submit">
          {t('register.submit')}
        </Button>
      </Form>
    </Card>
  );
}
