import { ErrorStrategy, FliptClient } from '@flipt-io/flipt-client-js';
import { toEngineDocument } from './engine-document';
import { readFlagDirectory } from './flag-files';
import { FlagsClient } from './flags-client';
import { formatProblem } from './format';
import { cleanupTempDirs, collectingLogger, flagDir, REPO_FLAGS_DIR } from './testing/helpers';

/**
 * Flipt's own engine (WASM, no mocks) evaluating documents converted from declarative files:
 * percentages, constraint operators, match types and segment operators behave as Flipt defines.
 */

interface Engine {
  bool(flag: string, context?: Record<string, string>, entity?: string): boolean;
  variant(flag: string, context?: Record<string, string>, entity?: string): string;
}

const engines: { close?: () => void }[] = [];

async function engineFor(yaml: string): Promise<Engine> {
  const dir = flagDir({ 'test.features.yml': yaml });
  const result = readFlagDirectory(dir);
  expect(result.errors.map(formatProblem)).toEqual([]);
  const document = toEngineDocument(result.documents, 'test');
  const engine = (await FliptClient.init({
    namespace: 'test',
    errorStrategy: ErrorStrategy.Fail,
    fetcher: async () => ({ ok: true, status: 200, statusText: 'OK', headers: { get: () => null }, json: async () => document }),
  })) as FliptClient & { close?: () => void };
  engines.push(engine);
  return {
    bool: (flagKey, context = {}, entityId = 'user-1') => engine.evaluateBoolean({ flagKey, entityId, context }).enabled,
    variant: (flagKey, context = {}, entityId = 'user-1') => engine.evaluateVariant({ flagKey, entityId, context }).variantKey,
  };
}

afterAll(() => {
  for (const engine of engines) engine.close?.();
  cleanupTempDirs();
});

const userIds = Array.from({ length: 10_000 }, (_, i) => `7c1e${i.toString(16).padStart(4, '0')}-9a8b-4c3d-8e2f-${(i * 7919).toString(16).padStart(12, '0')}`);

function pricingAt(percent: number): string {
  return `version: "1.4"
namespace: boxoffice
flags:
  - key: checkout-new-pricing
    name: New pricing
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - threshold:
          percentage: ${percent}
          value: true
`;
}

describe('percentage rollout (threshold) by user id', () => {
  it('gives 30 % ± 2 % over 10,000 user ids, stable per user and across clients', async () => {
    const dir = flagDir({ 'pricing.features.yml': pricingAt(30) });
    const options = { source: { kind: 'files' as const, dir }, namespace: 'boxoffice', logger: collectingLogger() };
    const first = await FlagsClient.create(options);
    const second = await FlagsClient.create(options);
    try {
      const answers = userIds.map((userId) => first.isEnabled('checkout-new-pricing', { userId }));
      const share = answers.filter(Boolean).length / userIds.length;
      expect(share).toBeGreaterThanOrEqual(0.28);
      expect(share).toBeLessThanOrEqual(0.32);
      // Same user, same answer: again, and from another client instance (another process, another pod).
      expect(userIds.map((userId) => first.isEnabled('checkout-new-pricing', { userId }))).toEqual(answers);
      expect(userIds.map((userId) => second.isEnabled('checkout-new-pricing', { userId }))).toEqual(answers);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('0 % is nobody and 100 % is everybody', async () => {
    const none = await engineFor(pricingAt(0).replace('boxoffice', 'test'));
    const all = await engineFor(pricingAt(100).replace('boxoffice', 'test'));
    expect(userIds.slice(0, 500).some((id) => none.bool('checkout-new-pricing', {}, id))).toBe(false);
    expect(userIds.slice(0, 500).every((id) => all.bool('checkout-new-pricing', {}, id))).toBe(true);
  });

  it('raising the percentage only adds users: nobody who had it loses it', async () => {
    const at30 = await engineFor(pricingAt(30).replace('boxoffice', 'test'));
    const at60 = await engineFor(pricingAt(60).replace('boxoffice', 'test'));
    const lost = userIds.filter((id) => at30.bool('checkout-new-pricing', {}, id) && !at60.bool('checkout-new-pricing', {}, id));
    expect(lost).toEqual([]);
  });

  it('the repo file: everyone in dev, 30 % ± 2 % in prod', async () => {
    const prod = await FlagsClient.create({ source: { kind: 'files', dir: REPO_FLAGS_DIR }, namespace: 'boxoffice', environment: 'prod', logger: collectingLogger() });
    const dev = await FlagsClient.create({ source: { kind: 'files', dir: REPO_FLAGS_DIR }, namespace: 'boxoffice', environment: 'dev', logger: collectingLogger() });
    try {
      const share = userIds.filter((userId) => prod.isEnabled('checkout-new-pricing', { userId })).length / userIds.length;
      expect(Math.abs(share - 0.3)).toBeLessThanOrEqual(0.02);
      expect(userIds.slice(0, 1000).every((userId) => dev.isEnabled('checkout-new-pricing', { userId }))).toBe(true);
    } finally {
      await prod.stop();
      await dev.stop();
    }
  });
});

/** One boolean flag per constraint: true when the segment matches. */
function constraintFlags(cases: { type: string; property: string; operator: string; value?: string }[]): string {
  const segments = cases
    .map(
      (c, i) => `  - key: s${i}
    name: s${i}
    match_type: ALL_MATCH_TYPE
    constraints:
      - type: ${c.type}
        property: ${c.property}
        operator: '${c.operator}'${c.value === undefined ? '' : `\n        value: '${c.value}'`}`,
    )
    .join('\n');
  const flags = cases
    .map(
      (_, i) => `  - key: f${i}
    name: f${i}
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - segment:
          key: s${i}
          value: true`,
    )
    .join('\n');
  return `version: "1.4"\nnamespace: test\nflags:\n${flags}\nsegments:\n${segments}\n`;
}

type Case = [type: string, property: string, operator: string, value: string | undefined, context: Record<string, string>, expected: boolean, entity?: string];

const S = 'STRING_COMPARISON_TYPE';
const N = 'NUMBER_COMPARISON_TYPE';
const B = 'BOOLEAN_COMPARISON_TYPE';
const D = 'DATETIME_COMPARISON_TYPE';
const E = 'ENTITY_ID_COMPARISON_TYPE';

const cases: Case[] = [
  [S, 'plan', 'eq', 'premium', { plan: 'premium' }, true],
  [S, 'plan', 'eq', 'premium', { plan: 'free' }, false],
  [S, 'plan', 'eq', 'premium', { plan: 'Premium' }, false],
  [S, 'plan', 'neq', 'premium', { plan: 'free' }, true],
  [S, 'plan', 'neq', 'premium', {}, false], // Flipt: a missing property matches only empty/notempty/notpresent
  [S, 'plan', 'empty', undefined, {}, true],
  [S, 'plan', 'notempty', undefined, { plan: 'free' }, true],
  [S, 'plan', 'notempty', undefined, {}, false],
  [S, 'region', 'prefix', 'us-', { region: 'us-east' }, true],
  [S, 'region', 'prefix', 'us-', { region: 'eu' }, false],
  [S, 'region', 'suffix', '-east', { region: 'us-east' }, true],
  [S, 'region', 'suffix', '-east', { region: 'us-west' }, false],
  [S, 'region', 'isoneof', '["eu","uk"]', { region: 'uk' }, true],
  [S, 'region', 'isoneof', '["eu","uk"]', { region: 'us' }, false],
  [S, 'region', 'isnotoneof', '["eu","uk"]', { region: 'us' }, true],
  [S, 'region', 'isnotoneof', '["eu","uk"]', { region: 'eu' }, false],
  [N, 'seats', 'gt', '4', { seats: '5' }, true],
  [N, 'seats', 'gt', '4', { seats: '4' }, false],
  [N, 'seats', 'gte', '4', { seats: '4' }, true],
  [N, 'seats', 'lt', '4', { seats: '3' }, true],
  [N, 'seats', 'lt', '4', { seats: '3.5' }, false], // the engine compares 32-bit integers only: decimals never match
  [N, 'seats', 'lt', '4', { seats: '4' }, false],
  [N, 'seats', 'lte', '4', { seats: '4' }, true],
  [N, 'seats', 'eq', '4', { seats: '4' }, true],
  [N, 'seats', 'neq', '4', { seats: '5' }, true],
  [N, 'seats', 'gt', '4', { seats: 'many' }, false], // not a number: no match
  [N, 'seats', 'gt', '4', {}, false],
  [N, 'seats', 'present', undefined, { seats: '1' }, true],
  [N, 'seats', 'notpresent', undefined, {}, true],
  [N, 'seats', 'isoneof', '[1,2,3]', { seats: '2' }, true],
  [N, 'seats', 'isnotoneof', '[1,2,3]', { seats: '9' }, true],
  [B, 'beta', 'true', undefined, { beta: 'true' }, true],
  [B, 'beta', 'true', undefined, { beta: 'false' }, false],
  [B, 'beta', 'false', undefined, { beta: 'false' }, true],
  [B, 'beta', 'false', undefined, {}, false],
  [B, 'beta', 'present', undefined, { beta: 'false' }, true],
  [B, 'beta', 'notpresent', undefined, {}, true],
  [D, 'signed_up', 'gt', '2025-01-01T00:00:00Z', { signed_up: '2025-06-01T12:00:00Z' }, true],
  [D, 'signed_up', 'gt', '2025-01-01T00:00:00Z', { signed_up: '2024-06-01T12:00:00Z' }, false],
  [D, 'signed_up', 'lte', '2025-01-01T00:00:00Z', { signed_up: '2025-01-01T00:00:00Z' }, true],
  [D, 'signed_up', 'eq', '2025-01-01T00:00:00Z', { signed_up: '2025-01-01T01:00:00+01:00' }, true],
  [E, 'entity', 'eq', 'user-7', {}, true, 'user-7'],
  [E, 'entity', 'eq', 'user-7', {}, false, 'user-8'],
  [E, 'entity', 'isoneof', '["user-7","user-9"]', {}, true, 'user-9'],
  [E, 'entity', 'isnotoneof', '["user-7","user-9"]', {}, true, 'user-8'],
];

describe('segment constraints, as Flipt defines them', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(constraintFlags(cases.map(([type, property, operator, value]) => ({ type, property, operator, value }))));
  });

  const titled = cases.map(([type, property, operator, value, context, expected, entity], i) => [
    `${type.replace('_COMPARISON_TYPE', '').toLowerCase()} ${property} ${operator}${value === undefined ? '' : ` ${value}`} with ${JSON.stringify(entity ? { entity } : context)} → ${expected}`,
    i,
  ] as const);

  it.each(titled)('%s', (_title, i) => {
    const [, , , , context, expected, entity] = cases[i];
    expect(engine.bool(`f${i}`, context, entity ?? 'user-1')).toBe(expected);
  });
});

describe('match types and segment operators', () => {
  const yaml = `version: "1.4"
namespace: test
flags:
  - key: all-of
    name: all-of
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - segment: { key: premium-in-eu, value: true }
  - key: any-of
    name: any-of
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - segment: { key: premium-or-eu, value: true }
  - key: and-segments
    name: and-segments
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - segment:
          keys: [premium, eu]
          operator: AND_SEGMENT_OPERATOR
          value: true
  - key: or-segments
    name: or-segments
    type: BOOLEAN_FLAG_TYPE
    enabled: false
    rollouts:
      - segment:
          keys: [premium, eu]
          operator: OR_SEGMENT_OPERATOR
          value: true
  - key: first-rollout-wins
    name: first-rollout-wins
    type: BOOLEAN_FLAG_TYPE
    enabled: true
    rollouts:
      - segment: { key: premium, value: false }
      - threshold: { percentage: 100, value: true }
  - key: channel
    name: channel
    type: VARIANT_FLAG_TYPE
    enabled: true
    variants:
      - key: email
        default: true
      - key: sms
      - key: push
    rules:
      - segment:
          keys: [premium, eu]
          operator: AND_SEGMENT_OPERATOR
        distributions: [{ variant: push, rollout: 100 }]
      - segment: premium
        distributions: [{ variant: sms, rollout: 100 }]
  - key: off-flag
    name: off-flag
    type: VARIANT_FLAG_TYPE
    enabled: false
    variants:
      - key: a
segments:
  - key: premium
    name: premium
    match_type: ALL_MATCH_TYPE
    constraints: [{ type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: premium }]
  - key: eu
    name: eu
    match_type: ALL_MATCH_TYPE
    constraints: [{ type: STRING_COMPARISON_TYPE, property: region, operator: eq, value: eu }]
  - key: premium-in-eu
    name: premium-in-eu
    match_type: ALL_MATCH_TYPE
    constraints:
      - { type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: premium }
      - { type: STRING_COMPARISON_TYPE, property: region, operator: eq, value: eu }
  - key: premium-or-eu
    name: premium-or-eu
    match_type: ANY_MATCH_TYPE
    constraints:
      - { type: STRING_COMPARISON_TYPE, property: plan, operator: eq, value: premium }
      - { type: STRING_COMPARISON_TYPE, property: region, operator: eq, value: eu }
`;
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineFor(yaml);
  });

  const both = { plan: 'premium', region: 'eu' };
  const premiumOnly = { plan: 'premium', region: 'us' };
  const euOnly = { plan: 'free', region: 'eu' };
  const neither = { plan: 'free', region: 'us' };

  it('ALL_MATCH_TYPE needs every constraint; ANY_MATCH_TYPE one', () => {
    expect([both, premiumOnly, euOnly, neither].map((c) => engine.bool('all-of', c))).toEqual([true, false, false, false]);
    expect([both, premiumOnly, euOnly, neither].map((c) => engine.bool('any-of', c))).toEqual([true, true, true, false]);
  });

  it('AND_SEGMENT_OPERATOR needs every segment; OR_SEGMENT_OPERATOR one', () => {
    expect([both, premiumOnly, euOnly, neither].map((c) => engine.bool('and-segments', c))).toEqual([true, false, false, false]);
    expect([both, premiumOnly, euOnly, neither].map((c) => engine.bool('or-segments', c))).toEqual([true, true, true, false]);
  });

  it('rollouts and rules apply in file order: the first match answers', () => {
    expect(engine.bool('first-rollout-wins', premiumOnly)).toBe(false);
    expect(engine.bool('first-rollout-wins', neither)).toBe(true);
    expect([both, premiumOnly, euOnly, neither].map((c) => engine.variant('channel', c))).toEqual(['push', 'sms', 'email', 'email']);
  });

  it('a disabled variant flag matches nothing', () => {
    expect(engine.variant('off-flag')).toBe('');
  });
});

describe('variant distributions', () => {
  it('splits users by the rollout shares, stable per user', async () => {
    const engine = await engineFor(`version: "1.4"
namespace: test
flags:
  - key: split
    name: split
    type: VARIANT_FLAG_TYPE
    enabled: true
    variants: [{ key: a }, { key: b }]
    rules:
      - segment: everyone
        distributions:
          - { variant: a, rollout: 25 }
          - { variant: b, rollout: 75 }
segments:
  - key: everyone
    name: everyone
    match_type: ALL_MATCH_TYPE
    constraints: []
`);
    const answers = userIds.map((id) => engine.variant('split', {}, id));
    const shareA = answers.filter((v) => v === 'a').length / answers.length;
    expect(Math.abs(shareA - 0.25)).toBeLessThanOrEqual(0.02);
    expect(userIds.map((id) => engine.variant('split', {}, id))).toEqual(answers);
  });
});
