import { APPLIED_TARGETS, pauseScalers, renderTarget, undocumented, withoutUnavailableKinds } from './support/targets';
import { serverSideApply } from './support/kube';

describe('every manifest applied to a real kube-apiserver (server-side apply)', () => {
  it.each(APPLIED_TARGETS)('%s: every object accepted, no undocumented warning', async (target) => {
    const rendered = await renderTarget(target);
    expect(rendered.length).toBeGreaterThan(0);
    const { kept, skipped } = withoutUnavailableKinds(rendered);
    if (skipped.length) console.log(`${target}: skipped ${skipped.length} Strimzi objects (no CRDs obtainable here): ${skipped.join(', ')}`);
    const { applied, warnings } = await serverSideApply(pauseScalers(kept));
    expect(applied).toHaveLength(kept.length);
    expect(undocumented(warnings)).toEqual([]);
  });
});
