import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Select, Switch, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ActionBodies } from '../../../domain/actions';
import { buildFundingPlan } from '../../../domain/funding/plan';
import { DEFAULT_MILESTONE_CHECKLIST, MILESTONE_CHECKLISTS } from '../../../domain/labels';
import type { Action, ProgramConfig } from '../../../domain/model';
import { ApiError, postJson } from '../api/client';
import { finishIntent, intentKey, outcomeUnknown } from '../api/intent';
import type { HouseholdFile, RecordedPhoto } from '../api/types';
import { DateInput } from '../common/DateInput';
import { apiFieldTexts, clearErrorsOf, errorSentence, showFieldErrors, validateWith } from '../common/errors';
import { chinaToday, fenOfYuan, parseDate } from '../common/format';
import { householdText } from '../common/HouseholdName';
import { ensureProgram, loadedProgram, usePlaces } from '../common/places';
import { useWords, type Words } from '../common/words';
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

/**
 * Form values to the action's body: dates as typed (2026/12/4...) to `YYYY-MM-DD`, yuan to integer
 * fen, blanks left out. A date that cannot be read is sent on as typed, for the schema to refuse
 * with a sentence at its field.
 */
export function bodyOf(fields: readonly FieldSpec[], values: Values, version: number): Values {
  const body: Values = { version };
  for (const field of fields) {
    if (field.when && !field.when(values)) continue;
    let value = getPath(values, field.path);
    if (typeof value === 'string') value = value.trim() === '' ? undefined : value.trim();
    if (field.kind === 'date' && typeof value === 'string') {
      const parsed = parseDate(value);
      if (parsed.ok) value = parsed.date;
    }
    if (field.kind === 'yuan' && (typeof value === 'number' || typeof value === 'string'))
      value = fenOfYuan(value) ?? value;
    if (field.kind === 'photos' && Array.isArray(value) && value.length === 0 && !field.required) value = undefined;
    if (value === undefined || value === null) continue;
    setPath(body, field.path, value);
  }
  return body;
}

/** Dates of things already done that lie after today (China time): refused before anything is sent. */
export function futureDates(fields: readonly FieldSpec[], body: Values, today: string = chinaToday()): string[] {
  return fields
    .filter((field) => field.notFuture)
    .filter((field) => {
      const value = getPath(body, field.path);
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && value > today;
    })
    .map((field) => field.path);
}

/** The milestone due for inspection: the milestone of the household's next installment. */
export function dueMilestone(file: HouseholdFile, program: ProgramConfig | undefined) {
  const installment = program?.installments[file.household.nextInstallment];
  return installment ? { code: installment.milestone, label: installment.label } : undefined;
}

/** The installment the release pays, with the amount computed by the domain's own plan (same rounding as the API). */
export function dueInstallment(file: HouseholdFile, program: ProgramConfig | undefined) {
  const { household } = file;
  if (!program || household.approvedSubsidy === undefined) return undefined;
  const plan = buildFundingPlan(program, {
    householdId: household.householdId,
    approvedSubsidy: household.approvedSubsidy,
  });
  const row = plan.installments[household.nextInstallment];
  return row ? { index: row.index, label: row.label, amount: row.amount, milestone: row.milestone } : undefined;
}

function checklistItems(field: FieldSpec, milestone: string | undefined): readonly string[] {
  if (!field.itemsOfDueMilestone) return field.items ?? [];
  return (milestone ? MILESTONE_CHECKLISTS[milestone] : undefined) ?? DEFAULT_MILESTONE_CHECKLIST;
}

function initialValues(action: Action, file: HouseholdFile, program: ProgramConfig | undefined): Values {
  const values: Values = {};
  const milestone = dueMilestone(file, program)?.code;
  for (const field of ACTION_FIELDS[action]) {
    if (field.kind === 'checklist' && (milestone || !field.itemsOfDueMilestone)) {
      for (const item of checklistItems(field, milestone)) setPath(values, `${field.path}.${item}`, false);
    }
    if (field.kind === 'switch') setPath(values, field.path, false);
    if (field.kind === 'photos') setPath(values, field.path, []);
  }
  if (action === 'release-installment') values.installment = file.household.nextInstallment;
  if (action === 'inspect' && milestone) values.milestone = milestone;
  return values;
}

/** The modes the program's subsidy tiers allow for this household's category and grade. */
function allowedModes(file: HouseholdFile, program: ProgramConfig | undefined, options: readonly string[]): string[] {
  const tiers = (program?.subsidyTiers ?? []).filter(
    (tier) => tier.category === file.household.category && tier.grade === file.household.grade,
  );
  const modes = new Set(tiers.map((tier) => tier.mode));
  return modes.size === 0 ? [...options] : options.filter((mode) => modes.has(mode as 'rebuild' | 'repair'));
}

function fieldLabel(fields: readonly FieldSpec[], path: string, words: Words): string {
  // The closest field the path belongs to: `rectification.what`, `checklist.基础尺寸` -> `checklist`.
  let at = path;
  while (at !== '') {
    const field = fields.find((f) => f.path === at);
    if (field) return words.t(`fields.${field.label}`);
    at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '';
  }
  return words.t(`fields.${path.split('.').pop() ?? path}`, { defaultValue: words.t('fields.note') });
}

/**
 * The photos a step cites, as a named group of checkboxes. The form item's `aria-required` is not
 * passed on: a group cannot carry it (axe `aria-allowed-attr`); the label says it is required.
 */
function PhotoChoices({
  value,
  onChange,
  options,
  testId,
  label,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  options: { value: string; label: string }[];
  testId: string;
  label: string;
}) {
  return (
    <Checkbox.Group
      role="group"
      aria-label={label}
      value={value ?? []}
      onChange={(checked) => onChange?.(checked.map(String))}
      options={options}
      data-testid={testId}
    />
  );
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
  const words = useWords();
  const { t, i18nLanguage } = words;
  const { message, modal } = App.useApp();
  const places = usePlaces([file.household.programId]);
  const program = places.program(file.household.programId) ?? loadedProgram(file.household.programId);
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) ?? {};
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fields = ACTION_FIELDS[action];
  const initial = useMemo(() => initialValues(action, file, program), [action, file, program]);
  const milestone = dueMilestone(file, program);
  const installment = action === 'release-installment' ? dueInstallment(file, program) : undefined;
  const scope = `${action}/${file.householdId}`;
  const labelOf = (path: string) => fieldLabel(fields, path, words);

  useEffect(() => {
    void ensureProgram(file.household.programId);
  }, [file.household.programId]);
  // The program arrives after the first render: the due milestone and its checklist follow it,
  // without touching what the person already entered.
  const dueCode = milestone?.code;
  useEffect(() => {
    if (action !== 'inspect' || !dueCode) return;
    const checklist = (form.getFieldValue('checklist') as Record<string, boolean> | undefined) ?? {};
    const items = MILESTONE_CHECKLISTS[dueCode] ?? DEFAULT_MILESTONE_CHECKLIST;
    form.setFieldValue('milestone', dueCode);
    form.setFieldValue('checklist', Object.fromEntries(items.map((item) => [item, checklist[item] ?? false])));
  }, [form, action, dueCode]);

  async function send(body: Values) {
    setBusy(true);
    try {
      const updated = await postJson<HouseholdFile>(
        `/households/${encodeURIComponent(file.householdId)}/actions/${action}`,
        body,
        { 'idempotency-key': intentKey(scope, body) },
      );
      finishIntent(scope);
      void message.success(t('actions.done'));
      onDone(updated);
    } catch (error) {
      // A lost answer keeps the intent (and its key) for the retry; a refusal ends it.
      if (!outcomeUnknown(error)) finishIntent(scope);
      if (error instanceof ApiError && error.fields.length > 0)
        showFieldErrors(form, apiFieldTexts(error.fields, labelOf, t, i18nLanguage));
      setFailure(errorSentence(error, t, i18nLanguage));
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    setFailure(undefined);
    const current = form.getFieldsValue(true) as Values;
    const body = bodyOf(fields, current, file.version);
    const checked = validateWith(ActionBodies[action], body, labelOf, t, i18nLanguage);
    const future = futureDates(fields, body).map((path) => ({
      path,
      text: t('errors.dateFuture', { label: labelOf(path) }),
    }));
    if (!checked.ok || future.length > 0) {
      const unplaced = showFieldErrors(form, [...(checked.ok ? [] : checked.fields), ...future]);
      setFailure(unplaced[0] ?? t('errors.fixFields'));
      return;
    }
    if (action !== 'release-installment') return send(body);
    // Money leaves the county's account: the clerk sees whose, which and how much, and confirms.
    const household = householdText(
      file.householdId,
      { headName: file.household.head.name, villageCode: file.household.villageCode },
      places.place,
      words.language,
    );
    modal.confirm({
      title: t('finance.confirmReleaseTitle'),
      content: (
        <div data-testid="confirm-release">
          <div>{t('finance.confirmHousehold', { household })}</div>
          <div>
            {t('finance.confirmInstallment', {
              installment: `${words.installment(file.household.nextInstallment)} ${installment?.label ?? ''}`.trim(),
            })}
          </div>
          <div>{t('finance.confirmAmount', { amount: words.money(installment?.amount) })}</div>
        </div>
      ),
      okText: t('finance.release'),
      cancelText: t('common.cancel'),
      onOk: () => send(body),
    });
  }

  function optionsOf(field: FieldSpec) {
    if (field.path === 'objectionId') {
      return (file.objections ?? [])
        .filter((o) => o.status === 'open')
        .map((o) => ({ value: o.objectionId, label: `${o.objector ?? ''}: ${o.reason ?? ''}` }));
    }
    const offered = field.path === 'mode' ? allowedModes(file, program, field.options ?? []) : (field.options ?? []);
    return offered.map((o) => ({ value: o, label: field.optionLabels ? t(`${field.optionLabels}.${o}`) : o }));
  }

  function input(field: FieldSpec) {
    const testId = `field-${field.path.replaceAll('.', '-')}`;
    switch (field.kind) {
      case 'milestone':
        return (
          <Typography.Text strong data-testid={testId} data-milestone={milestone?.code}>
            {milestone ? words.milestone(milestone.code, milestone.label) : t('file.noInstallmentDue')}
          </Typography.Text>
        );
      case 'installment':
        return (
          <Typography.Text strong data-testid={testId} data-installment={file.household.nextInstallment}>
            {installment
              ? `${words.installment(installment.index)} ${words.milestone(installment.milestone, installment.label)} · ${words.money(installment.amount)}`
              : t('file.noInstallmentDue')}
          </Typography.Text>
        );
      case 'text':
        return <Input data-testid={testId} />;
      case 'textarea':
        return <Input.TextArea rows={2} data-testid={testId} />;
      case 'int':
        return <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid={testId} />;
      case 'number':
        return <InputNumber min={0} style={{ width: '100%' }} data-testid={testId} />;
      case 'yuan':
        return <InputNumber min={0} precision={2} style={{ width: '100%' }} data-testid={testId} />;
      case 'date':
        return <DateInput testId={testId} />;
      case 'switch':
        return <Switch data-testid={testId} />;
      case 'select':
        return <Select options={optionsOf(field)} data-testid={testId} />;
      case 'photos': {
        const kinds = field.photoKinds ?? [];
        const photos = file.photos.filter(
          (p) => p.status === 'confirmed' && p.step === file.phase && kinds.includes(p.kind),
        );
        return (
          <PhotoChoices
            testId={testId}
            label={t(`fields.${field.label}`)}
            options={photos.map((p) => ({
              value: p.photoId,
              label: `${t(`photoKinds.${p.kind}`)} · ${p.capturedAt ? words.time(p.capturedAt) : words.time(undefined)}`,
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
      {failure && (
        <Alert type="error" title={failure} style={{ marginBottom: 16 }} data-testid="form-error" role="alert" />
      )}
      {fields.map((field) => {
        if (field.when && !field.when(values)) return null;
        const name = field.path.split('.');
        const label = field.kind === 'milestone' ? t('file.dueMilestone') : t(`fields.${field.label}`);
        if (field.kind === 'checklist') {
          return (
            // The items carry the names; their messages show on this wrapper (antd `noStyle`).
            <Form.Item key={field.path} label={label} required={field.required}>
              <div>
                {checklistItems(field, milestone?.code).map((item) => (
                  <Form.Item key={item} name={[...name, item]} valuePropName="checked" noStyle>
                    <Checkbox data-testid={`check-${item}`}>{t(`checklist.${item}`, { defaultValue: item })}</Checkbox>
                  </Form.Item>
                ))}
              </div>
            </Form.Item>
          );
        }
        if (field.kind === 'milestone' || field.kind === 'installment') {
          return (
            <Form.Item key={field.path} label={label}>
              {input(field)}
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
              if (!selected.includes(photo.photoId)) form.setFieldValue('photoIds', [...selected, photo.photoId]);
              onPhoto(photo);
            }}
          />
        </Form.Item>
      )}
      <Button
        type="primary"
        htmlType="submit"
        loading={busy}
        size="large"
        data-testid="action-submit"
        disabled={action === 'release-installment' && !installment}
      >
        {action === 'release-installment' ? t('finance.release') : t('actions.submit')}
      </Button>
    </Form>
  );
}
