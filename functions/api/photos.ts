/**
 * `POST /households/{id}/photos` (a presigned upload for a photo the server names) and
 * `POST /households/{id}/photos/{photoId}/confirm` (verify the uploaded object and record it).
 */
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { IDEMPOTENCY_HEADER, idempotent } from '../use-cases/idempotent';
import { confirmPhoto, requestPhotoUpload } from '../use-cases/photos';

export const handlerWith = (deps: Dependencies) =>
  contractHandler('PhotosFn', {
    // A phone on a weak network retries: with the same key it gets the same photo id and URL back.
    'POST /households/{id}/photos': async ({ actor, params, body, sentBody, header, ok }) =>
      idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), sentBody, async () =>
        ok(await requestPhotoUpload(deps, actor, params.id, body)),
      ),
    // Confirming is idempotent by itself: a confirmed photo is answered as stored.
    'POST /households/{id}/photos/{photoId}/confirm': async ({ actor, params, ok }) =>
      ok(await confirmPhoto(deps, actor, params.id, params.photoId)),
  });

export const handler = lambdaEntry(handlerWith);
