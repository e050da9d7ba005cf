/**
 * `POST /households/{id}/photos` (a presigned upload for a photo the server names) and
 * `POST /households/{id}/photos/{photoId}/confirm` (verify the uploaded object and record it).
 */
import { lambdaEntry } from '../config/handler';
import { photoHashes } from '../evidence/perceptual-hash';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { confirmPhoto, requestPhotoUpload } from '../use-cases/photos';
import { idempotentWrite } from '../use-cases/replays';

export const handlerWith = (deps: Dependencies) =>
  contractHandler(
    'PhotosFn',
    {
      // A phone on a weak network retries: with the same key it gets the same photo id back, its URL signed afresh.
      'POST /households/{id}/photos': async ({ actor, params, body, sentBody, header, ok }) =>
        idempotentWrite(deps, { actor, sentBody, header }, async () => {
          const upload = await requestPhotoUpload(deps, actor, params.id, body);
          return {
            reply: ok(upload),
            replay: { kind: 'photo-upload', householdId: params.id, photoId: upload.photoId },
          };
        }),
      // Confirming is idempotent by itself: a confirmed photo is answered as stored.
      'POST /households/{id}/photos/{photoId}/confirm': async ({ actor, params, ok }) =>
        ok(await confirmPhoto({ ...deps, photoHashes }, actor, params.id, params.photoId)),
    },
    deps.callers,
  );

export const handler = lambdaEntry(handlerWith);
