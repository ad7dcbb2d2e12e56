import { describe, expect, it } from 'vitest';
import { hmacHex, safeEqual, verifyBatonSignature } from '../../src/platform/signature.ts';

describe('X-Baton-Signature', () => {
  const body = '{"changes":[]}';
  it('accepts the HMAC of the exact body', () => {
    expect(verifyBatonSignature(body, `sha256=${hmacHex('s3cret', body)}`, 's3cret')).toBe(true);
  });
  it('refuses a tampered body, a wrong secret, a bad header or no secret', () => {
    const sig = `sha256=${hmacHex('s3cret', body)}`;
    expect(verifyBatonSignature(body + ' ', sig, 's3cret')).toBe(false);
    expect(verifyBatonSignature(body, sig, 'other')).toBe(false);
    expect(verifyBatonSignature(body, 'md5=abc', 's3cret')).toBe(false);
    expect(verifyBatonSignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyBatonSignature(body, sig, undefined)).toBe(false);
  });
  it('compares strings of different length safely', () => {
    expect(safeEqual('a', 'ab')).toBe(false);
    expect(safeEqual('ab', 'ab')).toBe(true);
  });
});
