import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('request fingerprint', () => {
  it('ignores key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestFingerprint({ tierId: 't', quantity: 2 })).toBe(requestFingerprint({ quantity: 2, tierId: 't' }));
  });

  it('differs when any value differs', () => {
    expect(requestFingerprint({ tierId: 't', quantity: 2 })).not.toBe(requestFingerprint({ tierId: 't', quantity: 3 }));
    expect(requestFingerprint({ quantity: 2 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
