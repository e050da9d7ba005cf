/**
 * `POST /households/{id}/photos` (a presigned upload for a photo the server names) and
 * `POST /households/{id}/photos/{photoId}/confirm` (verify the uploaded object and record it).
 */
import { IDEMPOTENCY_HEADER, idempotent } from '../commons/idempotency';
import { contractHandler } from '../http/router';
import { confirmPhoto, requestPhotoUpload } from '../use-cases/photos';

export const handler = contractHandler('PhotosFn', {
  // A phone on a weak network retries: with the same key it gets the same photo id and URL back.
  'POST /households/{id}/photos': async ({ actor, params, body, sentBody, header, ok }) =>
    idempotent(actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
      ok(await requestPhotoUpload(actor, params.id, body)),
    ),
  // Confirming is idempotent by itself: a confirmed photo is answered as stored.
  'POST /households/{id}/photos/{photoId}/confirm': async ({ actor, params, ok }) =>
    ok(await confirmPhoto(actor, params.id, params.photoId)),
});
