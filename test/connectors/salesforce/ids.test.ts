import { describe, expect, it } from 'vitest';
import { canonicalId, idChecksum, sameSalesforceId } from '../../../connectors/salesforce/ids.ts';

describe('Salesforce ids', () => {
  it('computes the 18-character case checksum', () => {
    expect(idChecksum('00D5g000004AbCd')).toBe('EAK');
    expect(idChecksum('001000000000000')).toBe('AAA');
  });

  it('compares 15- and 18-character forms exactly', () => {
    expect(sameSalesforceId('00D5g000004AbCdEAK', '00D5g000004AbCd')).toBe(true);
    expect(sameSalesforceId('00D5g000004AbCd', '00D5g000004AbCdEAK')).toBe(true);
    expect(sameSalesforceId('00D5g000004AbCdZZZ', '00D5g000004AbCdEAK')).toBe(false);
    expect(sameSalesforceId('00d5g000004abcd', '00D5g000004AbCd')).toBe(false);
    expect(sameSalesforceId('00D5g000004AbCdEAK!', '00D5g000004AbCd')).toBe(false);
    expect(canonicalId('short')).toBeNull();
  });
});
