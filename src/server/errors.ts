/** The one JSON error shape of the HTTP surface, and the mapping from Baton's error family to status codes. */
import type { NextFunction, Request, Response } from 'express';
import {
  AuthError,
  BatonError,
  ConflictError,
  ForbiddenError,
  InputError,
  MediaTypeError,
  NotFoundError,
  errorMessage,
} from '../platform/errors.ts';
import { parseJsonInput } from '../platform/edge-input.ts';
import { logger } from '../platform/logger.ts';
import type { Metrics } from '../pipeline/metrics.ts';

const log = logger.child({ module: 'server' });

/** Sends `{ error, message, field? }` with `status`. */
export function sendError(res: Response, status: number, error: string, message: string, field?: string): void {
  res.status(status).json({ error, message, ...(field ? { field } : {}) });
}

/** The app's last error handler: bad input is 4xx with the field named; only real failures are 5xx. */
export function errorHandler(metrics: Metrics) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const route = req.route?.path ? String(req.route.path) : req.path;
    const e = err as { type?: string; status?: number; statusCode?: number };
    if (err instanceof MediaTypeError) {
      metrics.inputRejected.inc({ route, reason: 'unsupported_media_type' });
      log.info('bad input', { route, field: 'content-type' });
      return sendError(res, 415, 'unsupported_media_type', err.message, 'content-type');
    }
    if (err instanceof InputError) {
      metrics.inputRejected.inc({ route, reason: 'bad_input' });
      // The field only: a message may quote the caller's input (a key, a value), and logs never quote a body.
      log.info('bad input', { route, field: err.details.field });
      return sendError(res, 400, 'bad_input', err.message, err.details.field as string | undefined);
    }
    if (err instanceof AuthError) {
      metrics.inputRejected.inc({ route, reason: 'unauthorized' });
      return sendError(res, 401, 'unauthorized', err.message);
    }
    if (err instanceof ForbiddenError) return sendError(res, 403, 'forbidden', err.message);
    if (err instanceof NotFoundError) return sendError(res, 404, 'not_found', err.message);
    if (err instanceof ConflictError) return sendError(res, 409, 'conflict', err.message);
    if (e?.type === 'entity.too.large' || e?.status === 413) {
      metrics.inputRejected.inc({ route, reason: 'too_large' });
      return sendError(res, 413, 'too_large', 'the request body is too large', 'body');
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      metrics.inputRejected.inc({ route, reason: 'bad_request' });
      return sendError(res, e.status, 'bad_request', errorMessage(err), 'body');
    }
    log.error('request failed', {
      route,
      error: errorMessage(err),
      code: err instanceof BatonError ? err.code : undefined,
    });
    if (res.headersSent) return;
    // Nothing was acknowledged: the sender keeps the event and delivers it again after the hint.
    res.setHeader('Retry-After', '5');
    sendError(res, 503, 'unavailable', 'Baton could not handle the request now; try again');
  };
}

/** Parses a JSON body kept raw (for signatures) under the edge limits (`parseJsonInput`); throws `InputError` naming the field. */
export function parseJson(raw: Buffer | undefined): unknown {
  return parseJsonInput(raw);
}
