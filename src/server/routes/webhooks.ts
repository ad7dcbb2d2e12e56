/**
 * Webhook routes. Every acknowledged delivery is stored first: the inbox insert commits before the
 * 2xx (a duplicate is answered 2xx and changes nothing); a bad signature is 401, a malformed body
 * 400, and neither leaves a trace but a log line and a metric.
 */
import express, { type Request, type Response } from 'express';
import type { Metrics } from '../../pipeline/metrics.ts';
import type { PipelineContext } from '../../pipeline/context.ts';
import { ingestGrouped } from '../../pipeline/inbox/group-commit.ts';
import { logger } from '../../platform/logger.ts';
import type { Store } from '../../store/types.ts';
import { requireContentType } from '../content-type.ts';
import { sendError } from '../errors.ts';
import type { ReceiveResult, Receivers } from '../receivers.ts';

const log = logger.child({ module: 'webhooks' });

export interface WebhookDeps {
  store: Store;
  metrics: Metrics;
  receivers: Receivers;
  /** The connectors that judge echoes of Baton's own writes (`heldChanges`); none: every item is stored. */
  connectors?: PipelineContext['connectors'];
  publicUrl?: string;
  /** Called after items were stored, to wake the inbox worker. */
  notify?: () => void;
}

function headersOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function rawText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

/** The URL as the caller saw it: `BATON_PUBLIC_URL` + the original path and query, else the request's own. */
export function externalUri(req: Request, publicUrl?: string): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '') + req.originalUrl;
  return `${req.protocol}://${req.get('host')}${req.originalUrl}`;
}

/** The webhook routes. */
export function webhookRouter(deps: WebhookDeps): express.Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '5mb' });
  const json = requireContentType('json');

  async function store(route: string, req: Request, res: Response, result: ReceiveResult, ok: (r: Response) => void) {
    if (!result.ok) {
      deps.metrics.inputRejected.inc({
        route,
        reason: result.status === 401 || result.status === 403 ? 'signature' : 'bad_input',
      });
      const field =
        result.status === 401
          ? undefined
          : (result.field ?? (result.status === 400 || result.status === 413 ? 'body' : undefined));
      // The field, never the error text: it may quote the delivery.
      log.info('webhook refused', { route, status: result.status, field });
      return sendError(
        res,
        result.status,
        result.status === 401
          ? 'unauthorized'
          : result.status === 403
            ? 'forbidden'
            : result.status === 413
              ? 'too_large'
              : 'bad_input',
        result.error,
        field,
      );
    }
    const r = await ingestGrouped(deps.store, deps.metrics, result.items, deps.connectors ?? {});
    if (r.stored) deps.notify?.();
    ok(res.status(200));
  }

  router.post('/webhooks/hubspot', json, raw, async (req, res) => {
    if (!deps.receivers.hubspot)
      return sendError(res, 404, 'connector_off', 'the HubSpot connector is off (no HubSpot credentials)');
    const result = await deps.receivers.hubspot({
      method: req.method,
      uri: externalUri(req, deps.publicUrl),
      headers: headersOf(req),
      rawBody: rawText(req),
    });
    await store('/webhooks/hubspot', req, res, result, (r) =>
      r.json({ ok: true, received: result.ok ? result.items.length : 0 }),
    );
  });

  router.post('/webhooks/salesforce/outbound', requireContentType('xml'), raw, async (req, res) => {
    if (!deps.receivers.outbound)
      return sendError(res, 404, 'connector_off', 'the Salesforce connector is off (no Salesforce credentials)');
    const result = await deps.receivers.outbound({ rawBody: rawText(req) });
    await store('/webhooks/salesforce/outbound', req, res, result, (r) => {
      const ack = result.ok ? result.ack : undefined;
      r.type('text/xml').send(
        ack ??
          '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>',
      );
    });
  });

  router.post('/webhooks/salesforce', json, raw, async (req, res) => {
    if (!deps.receivers.signed)
      return sendError(
        res,
        404,
        'connector_off',
        'the Salesforce connector is off (no Salesforce credentials) or BATON_WEBHOOK_SECRET is not set',
      );
    const result = await deps.receivers.signed({ rawBody: rawText(req), signature: req.get('x-baton-signature') });
    await store('/webhooks/salesforce', req, res, result, (r) =>
      r.json({ ok: true, received: result.ok ? result.items.length : 0 }),
    );
  });

  return router;
}
