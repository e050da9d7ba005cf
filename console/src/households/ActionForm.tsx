import { Alert, App, Button, Checkbox, DatePicker, Form, Input, InputNumber, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ActionBodies } from '../../../domain/actions';
import type { Action } from '../../../domain/model';
import { ApiError, postJson } from '../api/client';
import type { HouseholdFile, RecordedPhoto } from '../api/types';
import { clearErrorsOf, errorSentence, showFieldErrors, validateWith } from '../common/errors';
import { PhotoUploader } from '../inspector/PhotoUploader';
import { ACTION_FIELDS, type FieldSpec } from './actionSpecs';

type Values = Record<string, unknown>;

function getPath(values: Values, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at as Values | undefined)?.[key], values);
}

function setPath(target: Values, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = target;
  for (const key of keys.slice(0, -1)) {
    at[key] = (at[key] as Values | undefined) ?? {};
    at = at[key] as Values;
  }
  at[keys[keys.length - 1] ?? path] = value;
}

/** Form values to the action's body: dates as `YYYY-MM-DD`, yuan as integer fen, blanks left out. */
export function bodyOf(fields: readonly FieldSpec[], values: Values, version: number): Values {
  const body: Values = { version };
  for (const field of fields) {
    if (field.when && !field.when(values)) continue;
    let value = getPath(values, field.path);
    if (dayjs.isDayjs(value)) value = (value as Dayjs).format('YYYY-MM-DD');
    if (typeof value === 'string') value = value.trim() === '' ? undefined : value.trim();
    if (field.kind === 'yuan' && typeof value === 'number') value = Math.round(value * 100);
    if (field.kind === 'photos' && Array.isArray(value) && value.length === 0 && !field.required) value = undefined;
    if (value === undefined || value === null) continue;
    setPath(body, field.path, value);
  }
  return body;
}

function initialValues(action: Action, file: HouseholdFile): Values {
  const values: Values = {};
  for (const field of ACTION_FIELDS[action]) {
    if (field.kind === 'checklist') {
      for (const item of field.items ?? []) setPath(values, `${field.path}.${item}`, false);
    }
    if (field.kind === 'switch') setPath(values, field.path, false);
    if (field.kind === 'photos') setPath(values, field.path, []);
  }
  // The installment is not a choice: only the household's next one can be released.
  if (action === 'release-installment') values.installment = file.household.nextInstallment;
  return values;
}

/** The form of one action on one household, checked with the API's own schema before it is sent. */
export function ActionForm({
  action,
  file,
  onDone,
  onPhoto,
}: {
  action: Action;
  file: HouseholdFile;
  onDone: (updated: HouseholdFile) => void;
  onPhoto: (photo: RecordedPhoto) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) ?? {};
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fields = ACTION_FIELDS[action];
  const initial = useMemo(() => initialValues(action, file), [action, file]);

  const optionLabel = (option: string) =>
    t([`options.${option}`, `modes.${option}`, `stages.${option}`], { defaultValue: option });

  async function submit() {
    setFailure(undefined);
    const current = form.getFieldsValue(true) as Values;
    const body = bodyOf(fields, current, file.version);
    const checked = validateWith(ActionBodies[action], body);
    if (!checked.ok) {
      const unplaced = showFieldErrors(form, checked.fields, i18n.language);
      setFailure(unplaced[0] ?? t('errors.fixFields'));
      return;
    }
    setBusy(true);
    try {
      const updated = await postJson<HouseholdFile>(
        `/households/${encodeURIComponent(file.householdId)}/actions/${action}`,
        body,
        { 'idempotency-key': crypto.randomUUID() },
      );
      void message.success(t('actions.done'));
      onDone(updated);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) showFieldErrors(form, error.fields, i18n.language);
      setFailure(errorSentence(error, t, i18n.language));
    } finally {
      setBusy(false);
    }
  }

  function input(field: FieldSpec) {
    const testId = `field-${field.path.replaceAll('.', '-')}`;
    switch (field.kind) {
      case 'text':
        return <Input data-testid={testId} />;
      case 'textarea':
        return <Input.TextArea rows={2} data-testid={testId} />;
      case 'int':
        return (
          <InputNumber
            min={0}
            precision={0}
            style={{ width: '100%' }}
            data-testid={testId}
            disabled={action === 'release-installment'}
          />
        );
      case 'number':
      case 'yuan':
        return <InputNumber min={0} style={{ width: '100%' }} data-testid={testId} />;
      case 'date':
        return <DatePicker style={{ width: '100%' }} format="YYYY-MM-DD" data-testid={testId} />;
      case 'switch':
        return <Switch data-testid={testId} />;
      case 'select': {
        const options =
          field.path === 'objectionId'
            ? (file.objections ?? [])
                .filter((o) => o.status === 'open')
                .map((o) => ({ value: o.objectionId, label: `${o.objector ?? ''}: ${o.reason ?? ''}` }))
            : (field.options ?? []).map((o) => ({ value: o, label: optionLabel(o) }));
        return <Select options={options} data-testid={testId} />;
      }
      case 'photos': {
        const kinds = field.photoKinds ?? [];
        const photos = file.photos.filter(
          (p) => p.status === 'confirmed' && p.step === file.phase && kinds.includes(p.kind),
        );
        return (
          <Checkbox.Group
            data-testid={testId}
            options={photos.map((p) => ({
              value: p.photoId,
              label: `${t(`photoKinds.${p.kind}`)} · ${p.capturedAt ? dayjs(p.capturedAt).format('MM-DD HH:mm') : p.photoId}`,
            }))}
          />
        );
      }
      case 'checklist':
        return null;
    }
  }

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={submit}
      onFieldsChange={(changed) => clearErrorsOf(form, changed)}
      data-testid={`action-form-${action}`}
    >
      {failure && <Alert type="error" title={failure} style={{ marginBottom: 16 }} data-testid="form-error" />}
      {fields.map((field) => {
        if (field.when && !field.when(values)) return null;
        const name = field.path.split('.');
        const label = t(`fields.${field.label}`);
        if (field.kind === 'checklist') {
          return (
            // The items carry the names; their messages show on this wrapper (antd `noStyle`).
            <Form.Item key={field.path} label={label} required={field.required}>
              <div>
                {(field.items ?? []).map((item) => (
                  <Form.Item key={item} name={[...name, item]} valuePropName="checked" noStyle>
                    <Checkbox data-testid={`check-${item}`}>{t(`checklist.${item}`, { defaultValue: item })}</Checkbox>
                  </Form.Item>
                ))}
              </div>
            </Form.Item>
          );
        }
        return (
          <Form.Item
            key={field.path}
            name={name}
            label={label}
            required={field.required}
            valuePropName={field.kind === 'switch' ? 'checked' : 'value'}
          >
            {input(field)}
          </Form.Item>
        );
      })}
      {fields.some((field) => field.kind === 'photos') && (
        <Form.Item>
          <PhotoUploader
            householdId={file.householdId}
            step={file.phase}
            kinds={fields.find((field) => field.kind === 'photos')?.photoKinds ?? ['during']}
            onUploaded={(photo) => {
              const selected = (form.getFieldValue('photoIds') as string[] | undefined) ?? [];
              form.setFieldValue('photoIds', [...selected, photo.photoId]);
              onPhoto(photo);
            }}
          />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" loading={busy} size="large" data-testid="action-submit">
        {t('actions.submit')}
      </Button>
    </Form>
  );
}
