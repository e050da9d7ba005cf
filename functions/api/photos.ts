/**
 * `POST /households/{id}/photos` (a presigned upload for a photo the server names) and
 * `POST /households/{id}/photos/{photoId}/confirm` (verify the uploaded object and record it).
 */
import { actorOf } from '../commons/auth';
import { apiHandler } from '../commons/http';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { IDEMPOTENCY_HEADER, idempotent } from '../use-cases/idempotent';
import { confirmPhoto, requestPhotoUpload } from '../use-cases/photos';
import { pathParameter } from './params';

export const handlerWith = (deps: Dependencies) =>
  apiHandler(async ({ event, body, header }) => {
    const actor = actorOf(event);
    const householdId = pathParameter(event, 'id');
    if (event.pathParameters?.photoId !== undefined) {
      // Confirming is idempotent by itself: a confirmed photo is answered as stored.
      return { status: 200, body: await confirmPhoto(deps, actor, householdId, pathParameter(event, 'photoId')) };
    }
    // A phone on a weak network retries: with the same key it gets the same photo id and URL back.
    return idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), body, async () => ({
      status: 201,
      body: await requestPhotoUpload(deps, actor, householdId, body),
    }));
  });

export const handler = lambdaEntry(handlerWith);
