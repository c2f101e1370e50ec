import { compareGoVersions } from './go';

describe('compareGoVersions', () => {
  it('orders Go versions numerically', () => {
    expect(compareGoVersions('go1.26.8', 'go1.26.0')).toBeGreaterThan(0);
    expect(compareGoVersions('go1.9', 'go1.26.0')).toBeLessThan(0);
    expect(compareGoVersions('go1.26.0', 'go1.26')).toBe(0);
  });
});
