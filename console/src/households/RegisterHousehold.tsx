import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { CATEGORIES, HouseholdApplication, HouseStructure, type ProgramConfig } from '../../../domain/model';
import { ApiError, postJson } from '../api/client';
import { clearErrorsOf, errorSentence, showFieldErrors, validateWith } from '../common/errors';
import { useMe } from '../layout/UserContext';
import { loadProgram, preferredProgramId, rememberProgram } from './program';

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
  const { t, i18n } = useTranslation();
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
    try {
      setProgram(await loadProgram(programId));
      setFailure(undefined);
    } catch (error) {
      form.setFields([{ name: 'programId', errors: [errorSentence(error, t, i18n.language)] }]);
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
    .flatMap((township) =>
      township.villages.map((v) => ({ value: v.code, label: `${township.name} ${v.name} (${v.code})` })),
    );

  async function submit(values: FormValues) {
    setFailure(undefined);
    const body = blankToUndefined(values);
    const checked = validateWith(HouseholdApplication, body);
    if (!checked.ok) {
      const unplaced = showFieldErrors(form, checked.fields, i18n.language);
      setFailure(unplaced[0] ?? t('errors.fixFields'));
      return;
    }
    setBusy(true);
    try {
      const created = await postJson<{ householdId: string }>('/households', checked.data);
      rememberProgram(values.programId);
      void message.success(t('register.created', { id: created.householdId }));
      navigate(`/households/${created.householdId}`);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) showFieldErrors(form, error.fields, i18n.language);
      setFailure(errorSentence(error, t, i18n.language));
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
            <Form.Item name="programId" label={t('register.program')} required>
              <Input onBlur={(event) => void pickProgram(event.target.value.trim())} data-testid="field-programId" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="villageCode" label={t('register.villageCode')} required>
              <Select showSearch={{ optionFilterProp: 'label' }} options={villages} data-testid="field-villageCode" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="category" label={t('register.category')} required>
              <Select
                options={CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
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
                options={HouseStructure.options.map((s) => ({ value: s, label: t(`structures.${s}`) }))}
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
            <Form.Item name="bankAccount" label={t('register.bankAccount')}>
              <Input data-testid="field-bankAccount" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="site" label={t('register.site')}>
              <Radio.Group
                options={(['dispersed', 'centralized'] as const).map((s) => ({ value: s, label: t(`sites.${s}`) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="foundBy" label={t('register.foundBy')}>
              <Radio.Group
                options={[
                  { value: 'application', label: t('register.foundByApplication') },
                  { value: 'proactive', label: t('register.foundByProactive') },
                ]}
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
                      <Input placeholder={t('register.memberName')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'relation']}>
                      <Input placeholder={t('register.memberRelation')} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(field.name)} />
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
