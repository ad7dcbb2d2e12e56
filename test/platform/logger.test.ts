import { describe, expect, it } from 'vitest';
import { redact, redactText } from '../../src/platform/logger.ts';

describe('log redaction', () => {
  it('masks email addresses inside text', () => {
    expect(redactText('lead ana.lee+x@corp.example became mql')).toBe('lead [email] became mql');
  });

  it('blanks secret-named keys and masks emails deep in objects', () => {
    const out = redact({ token: 'abc', nested: { Authorization: 'Bearer x', who: ['bo@x.io'] }, count: 3 });
    expect(out).toEqual({ token: '[redacted]', nested: { Authorization: '[redacted]', who: ['[email]'] }, count: 3 });
  });

  it('keeps an error readable without its email', () => {
    expect(redact(new Error('no lead for ana@corp.example'))).toEqual({
      name: 'Error',
      message: 'no lead for [email]',
    });
  });

  it('masks every address form: a one-letter TLD, a bare host, quoted local parts, address literals, keys', () => {
    for (const addr of [
      'a@b.c',
      'root@localhost',
      'Ana.B+x@Corp.Example',
      '"x y"@[10.0.0.1]',
      'ü@ü.de',
      "o'brien@corp.example",
    ]) {
      expect(redactText(`to ${addr}, then`), addr).toBe('to [email], then');
    }
    expect(redact({ 'root@localhost': 1 })).toEqual({ '[email]': 1 });
    expect(redactText('npm @hubspot/api-client')).toBe('npm @hubspot/api-client');
  });
});
