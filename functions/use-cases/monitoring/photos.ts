/**
 * Photos of the ledger through the renovation's evidence flow (functions/use-cases/photos.ts): an upload presigned
 * to a key the server chose (`photos/{ledgerId}/{step}/{photoId}`), then the object verified (size, type, SHA-256,
 * magic bytes), its EXIF time and GPS read, a preview made, its flags raised (the same image elsewhere, in the
 * ledger or in a renovation file; no or a future capture time), and its confirmation recorded as a `confirm-photo`
 * event of the ledger household's chain, in one transaction with the photo. Township staff of the photo roles take
 * them: the check's photos of the house, the damage, the evidence of a closing, a visit.
 */
import { randomUUID } from 'node:crypto';
import type { LedgerPhotoBody } from '../../../contract/monitoring';
import type { PhotoUpload, PhotoView } from '../../../contract/views';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../domain/errors';
import { ROLE_TITLES } from '../../../domain/labels';
import type { Actor, Photo, Role } from '../../../domain/model';
import type { LedgerPhotoStep } from '../../../domain/monitoring/actions';
import { canActInJurisdiction } from '../../../domain/rules/access';
import { evidenceFlags } from '../../../domain/rules/evidence';
import { logger } from '../../config/logger';
import { photoObjectKey } from '../../evidence';
import type { LedgerRecord, StoredPhoto } from '../../store';
import type { Dependencies } from '../dependencies';
import { confirmedRecord, PHOTO_ROLES, uploadedFacts, uploadOf } from '../photos';
import { pauseBeforeRetry } from '../retry';
import { ledgerChange, noLedgerHousehold } from './common';

/** What each step's photos show, in the photo kinds the evidence rules know. */
const KIND_OF_STEP: Readonly<Record<LedgerPhotoStep, Photo['kind']>> = {
  check: 'before',
  disaster: 'before',
  closing: 'after',
  visit: 'after',
};

function authorize(actor: Actor, place: { county: string; township: string }): Role {
  const held = PHOTO_ROLES.filter((role) => actor.roles.includes(role));
  if (held.length === 0) {
    throw new ForbiddenError({
      zh: `上传照片需要以下岗位之一：${PHOTO_ROLES.map((role) => ROLE_TITLES[role].zh).join('、')}`,
      en: `Photos are taken by ${PHOTO_ROLES.map((role) => ROLE_TITLES[role].en).join(', ')} staff`,
    });
  }
  const decisions = held.map((role) => ({
    role,
    access: canActInJurisdiction(actor, { role, level: 'township' }, place),
  }));
  const allowed = decisions.find((d) => d.access.ok);
  if (allowed) return allowed.role;
  const refused = decisions[0]?.access;
  throw refused && !refused.ok ? refused.error : new ForbiddenError();
}

async function loadRecord(deps: Pick<Dependencies, 'store'>, ledgerId: string): Promise<LedgerRecord> {
  const record = await deps.store.monitoring.record(ledgerId);
  if (!record) throw noLedgerHousehold(ledgerId);
  return record;
}

function view(photo: StoredPhoto): PhotoView {
  const { objectKey: _key, requestedBy: _by, versionId: _version, confirmedBy: _confirmer, ...shown } = photo;
  return shown;
}

export async function requestLedgerPhoto(
  deps: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  ledgerId: string,
  body: LedgerPhotoBody,
  now: Date = new Date(),
): Promise<PhotoUpload> {
  const { household } = await loadRecord(deps, ledgerId);
  authorize(actor, household);
  const photoId = `ph-${randomUUID()}`;
  const objectKey = photoObjectKey(ledgerId, body.step, photoId);
  await deps.store.monitoring.putRequestedPhoto({
    householdId: ledgerId,
    photoId,
    step: body.step,
    kind: KIND_OF_STEP[body.step],
    contentType: body.contentType,
    size: body.size,
    sha256: body.sha256,
    status: 'requested',
    flags: [],
    objectKey,
    requestedBy: actor.username,
    requestedAt: now.toISOString(),
  });
  logger.info('ledger photo upload requested', { ledgerId, photoId, step: body.step });
  return uploadOf(deps.evidence, { photoId, objectKey, contentType: body.contentType, size: body.size }, now);
}

/** The same upload signed afresh: a retry under its Idempotency-Key never gets a stale or stored link. */
export async function resignLedgerPhotoUpload(
  deps: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  ledgerId: string,
  photoId: string,
  now: Date = new Date(),
): Promise<PhotoUpload> {
  const { household } = await loadRecord(deps, ledgerId);
  authorize(actor, household);
  const photo = await deps.store.monitoring.photo(ledgerId, photoId);
  if (!photo) throw new NotFoundError({ zh: `照片 ${photoId} 不存在`, en: `There is no photo ${photoId}` });
  return uploadOf(deps.evidence, photo, now);
}

const CONFIRM_ATTEMPTS = 5;

export async function confirmLedgerPhoto(
  deps: Pick<Dependencies, 'store' | 'evidence'>,
  actor: Actor,
  ledgerId: string,
  photoId: string,
  now: Date = new Date(),
): Promise<PhotoView> {
  let record = await loadRecord(deps, ledgerId);
  const role = authorize(actor, record.household);
  const photo = await deps.store.monitoring.photo(ledgerId, photoId);
  if (!photo) {
    throw new NotFoundError({ zh: `该户没有照片 ${photoId}`, en: `The ledger household has no photo ${photoId}` });
  }
  if (photo.status === 'confirmed') return view(photo);

  const facts = await uploadedFacts(deps, photo);
  const { exif, sameHash } = facts;
  const at = now.toISOString();
  const flags = evidenceFlags(
    { householdId: ledgerId, photoId, step: photo.step, kind: photo.kind, sha256: photo.sha256, ...exif },
    { sameHash, now: at },
  );
  const confirmed = confirmedRecord(photo, facts, flags, actor.username, at);
  for (let attempt = 1; ; attempt++) {
    const { version: _v, updatedAt: _u, ...household } = record.household;
    const { after, event } = ledgerChange(record, household, {
      at,
      actor: actor.username,
      role,
      type: 'confirm-photo',
      details: {
        photoId,
        step: photo.step,
        kind: photo.kind,
        sha256: photo.sha256,
        flags,
        ...(exif.capturedAt ? { capturedAt: exif.capturedAt } : {}),
      },
    });
    try {
      await deps.store.monitoring.commit({
        before: record.household,
        after,
        event,
        writes: [{ kind: 'photo-confirmed', photo: confirmed }],
      });
      logger.info('ledger photo confirmed', { ledgerId, photoId, flags, version: after.version });
      return view(confirmed);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const stored = await deps.store.monitoring.photo(ledgerId, photoId);
      if (stored?.status === 'confirmed') return view(stored);
      if (attempt >= CONFIRM_ATTEMPTS) throw error;
      await pauseBeforeRetry(attempt);
      record = await loadRecord(deps, ledgerId);
    }
  }
}
