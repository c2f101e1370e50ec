import { clusterLayout, PORT_OFFSETS } from './layout';

describe('clusterLayout', () => {
  const env = { BOXOFFICE_STATE_HOME: '/var/tmp/x', BOXOFFICE_CACHE: '/c' };

  it('gives each checkout its own state dir and port range, the same every time', () => {
    const a = clusterLayout(env, '/work/a');
    const b = clusterLayout(env, '/work/b');
    expect(a.stateDir).toMatch(/^\/var\/tmp\/x\/a-[0-9a-f]{8}-cluster$/);
    expect(a.stateDir).not.toEqual(b.stateDir);
    expect(clusterLayout(env, '/work/a').portBase).toBe(a.portBase);
    expect(a.cacheDir).toBe('/c/cluster');
  });

  it('keeps every port of a checkout inside its 20-port slot, between the stack ports and the ephemeral range', () => {
    const layout = clusterLayout(env, '/work/a');
    const ports = Object.keys(PORT_OFFSETS).map((p) => layout.port(p as keyof typeof PORT_OFFSETS));
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBe(layout.portBase);
    expect(Math.max(...ports)).toBeLessThan(layout.portBase + 20);
    expect(layout.portBase).toBeGreaterThanOrEqual(24000);
    expect(layout.portBase + 20).toBeLessThanOrEqual(32000);
    expect((layout.portBase - 24000) % 20).toBe(0);
  });

  it('takes BOXOFFICE_CLUSTER_PORT_BASE, and names the variable when it is bad', () => {
    expect(clusterLayout({ ...env, BOXOFFICE_CLUSTER_PORT_BASE: '31000' }, '/work/a').port('apiserver')).toBe(31002);
    expect(() => clusterLayout({ ...env, BOXOFFICE_CLUSTER_PORT_BASE: '80' }, '/work/a')).toThrow(/BOXOFFICE_CLUSTER_PORT_BASE must be a whole number/);
  });
});
