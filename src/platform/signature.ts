/** Signatures of incoming requests, compared in constant time. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (false on different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Hex HMAC-SHA256 of `body` with `secret`. */
export function hmacHex(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Checks `X-Baton-Signature: sha256=HEX(HMAC(body))` (for `POST /webhooks/salesforce` and `POST /api/events`). */
export function verifyBatonSignature(
  body: string | Buffer,
  header: string | undefined,
  secret: string | undefined,
): boolean {
  if (!secret || !header) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return !!m && safeEqual(m[1].toLowerCase(), hmacHex(secret, body));
}
