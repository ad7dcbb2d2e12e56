/**
 * Content types enforced per route: a JSON route takes `application/json` (or `…+json`), the
 * Outbound Message route SOAP's XML types, the agreement preview YAML (or plain text), both in UTF-8 only; anything else is 415 naming the
 * header, before the body is read.
 */
import type { NextFunction, Request, Response } from 'express';
import { MediaTypeError } from '../platform/errors.ts';

export type BodyKind = 'json' | 'xml' | 'yaml';

const ACCEPTED: Record<BodyKind, (type: string) => boolean> = {
  json: (t) => t === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(t),
  xml: (t) => t === 'text/xml' || t === 'application/xml' || t === 'application/soap+xml',
  yaml: (t) => ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'].includes(t),
};

const EXPECTED: Record<BodyKind, string> = {
  json: 'application/json',
  xml: 'text/xml, application/xml or application/soap+xml',
  yaml: 'application/yaml, text/yaml or text/plain',
};

/** Why a `Content-Type` header does not fit `kind`, or null when it does (no body at all passes: the route says what it misses). */
export function contentTypeProblem(header: string | undefined, kind: BodyKind, hasBody: boolean): string | null {
  if (!header) return hasBody ? `content-type: expected ${EXPECTED[kind]}` : null;
  const [type, ...params] = header.split(';');
  if (!ACCEPTED[kind](type.trim().toLowerCase())) return `content-type: expected ${EXPECTED[kind]}`;
  for (const p of params) {
    const [k, v = ''] = p.split('=');
    if (k.trim().toLowerCase() === 'charset' && !/^"?utf-?8"?$/i.test(v.trim()))
      return 'content-type: the body must be UTF-8';
  }
  return null;
}

/** Express middleware: a `MediaTypeError` (415 `unsupported_media_type`, counted as refused input) unless the request's body is of `kind`. */
export function requireContentType(kind: BodyKind) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const problem = contentTypeProblem(req.headers['content-type'], kind, hasBody);
    next(problem ? new MediaTypeError(problem) : undefined);
  };
}
