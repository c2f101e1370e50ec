import { ComparisonType, FeatureDocument, FlagDef, MatchType, RolloutDef, SegmentDef } from './format';

/**
 * The document `@flipt-io/flipt-client-js` consumes: what Flipt's snapshot endpoint
 * (`GET /internal/v1/evaluation/snapshot/namespace/{ns}`) returns, camelCase.
 * Field shapes follow flipt-client-sdks `flipt-evaluation/src/models/source.rs`.
 */
export interface EngineDocument {
  namespace: { key: string };
  flags: EngineFlag[];
}

export interface EngineFlag {
  key: string;
  name: string;
  description?: string;
  type: 'BOOLEAN_FLAG_TYPE' | 'VARIANT_FLAG_TYPE';
  enabled: boolean;
  rules: EngineRule[];
  rollouts: EngineRollout[];
  defaultVariant?: { id: string; key: string; attachment: string };
}

export interface EngineSegment {
  key: string;
  matchType: 'ALL_SEGMENT_MATCH_TYPE' | 'ANY_SEGMENT_MATCH_TYPE';
  constraints: { type: EngineComparisonType; property: string; operator: string; value: string }[];
}

export type EngineComparisonType =
  | 'STRING_CONSTRAINT_COMPARISON_TYPE'
  | 'NUMBER_CONSTRAINT_COMPARISON_TYPE'
  | 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE'
  | 'DATETIME_CONSTRAINT_COMPARISON_TYPE'
  | 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE';

export interface EngineRule {
  id: string;
  rank: number;
  segmentOperator: 'OR_SEGMENT_OPERATOR' | 'AND_SEGMENT_OPERATOR';
  segments: EngineSegment[];
  distributions: { ruleId: string; variantKey: string; rollout: number; variantAttachment: string }[];
}

export type EngineRollout =
  | { type: 'THRESHOLD_ROLLOUT_TYPE'; rank: number; description?: string; threshold: { percentage: number; value: boolean } }
  | {
      type: 'SEGMENT_ROLLOUT_TYPE';
      rank: number;
      description?: string;
      segment: { segmentOperator: 'OR_SEGMENT_OPERATOR' | 'AND_SEGMENT_OPERATOR'; value: boolean; segments: EngineSegment[] };
    };

/**
 * File enum name → engine enum name. The declarative file says `ALL_MATCH_TYPE` and
 * `STRING_COMPARISON_TYPE`; the engine reads `ALL_SEGMENT_MATCH_TYPE` and
 * `STRING_CONSTRAINT_COMPARISON_TYPE`, and silently treats names it does not know as "unknown"
 * (a constraint that never matches). Flag types and segment operators are spelt the same.
 */
export const MATCH_TYPE_TO_ENGINE: Record<MatchType, EngineSegment['matchType']> = {
  ALL_MATCH_TYPE: 'ALL_SEGMENT_MATCH_TYPE',
  ANY_MATCH_TYPE: 'ANY_SEGMENT_MATCH_TYPE',
};

export const COMPARISON_TYPE_TO_ENGINE: Record<ComparisonType, EngineComparisonType> = {
  STRING_COMPARISON_TYPE: 'STRING_CONSTRAINT_COMPARISON_TYPE',
  NUMBER_COMPARISON_TYPE: 'NUMBER_CONSTRAINT_COMPARISON_TYPE',
  BOOLEAN_COMPARISON_TYPE: 'BOOLEAN_CONSTRAINT_COMPARISON_TYPE',
  DATETIME_COMPARISON_TYPE: 'DATETIME_CONSTRAINT_COMPARISON_TYPE',
  ENTITY_ID_COMPARISON_TYPE: 'ENTITY_ID_CONSTRAINT_COMPARISON_TYPE',
};

/** Attachments travel as JSON strings; no attachment is the empty string. */
function attachmentJson(attachment: unknown): string {
  return attachment === null || attachment === undefined ? '' : JSON.stringify(attachment);
}

function toEngineSegment(segment: SegmentDef): EngineSegment {
  return {
    key: segment.key,
    matchType: MATCH_TYPE_TO_ENGINE[segment.matchType],
    constraints: segment.constraints.map((c) => ({
      type: COMPARISON_TYPE_TO_ENGINE[c.type],
      property: c.property,
      operator: c.operator,
      value: c.value ?? '',
    })),
  };
}

function toEngineRollout(rollout: RolloutDef, rank: number, segments: Map<string, EngineSegment>): EngineRollout {
  const description = rollout.description ? { description: rollout.description } : {};
  if (rollout.kind === 'threshold') {
    return { type: 'THRESHOLD_ROLLOUT_TYPE', rank, ...description, threshold: { percentage: rollout.percentage, value: rollout.value } };
  }
  return {
    type: 'SEGMENT_ROLLOUT_TYPE',
    rank,
    ...description,
    segment: {
      segmentOperator: rollout.operator,
      value: rollout.value,
      segments: rollout.segmentKeys.map((key) => lookup(segments, key)),
    },
  };
}

function lookup(segments: Map<string, EngineSegment>, key: string): EngineSegment {
  const segment = segments.get(key);
  if (!segment) throw new Error(`segment "${key}" is not defined (validate the flag files first)`);
  return segment;
}

function toEngineFlag(flag: FlagDef, segments: Map<string, EngineSegment>): EngineFlag {
  const variants = new Map(flag.variants.map((v) => [v.key, v]));
  const defaultVariant = flag.variants.find((v) => v.default);
  return {
    key: flag.key,
    name: flag.name,
    ...(flag.description ? { description: flag.description } : {}),
    type: flag.type,
    enabled: flag.enabled,
    rules: flag.rules.map((rule, i) => {
      const id = `${flag.key}/rules/${i + 1}`;
      return {
        id,
        rank: i + 1,
        segmentOperator: rule.operator,
        segments: rule.segmentKeys.map((key) => lookup(segments, key)),
        distributions: rule.distributions.map((d) => ({
          ruleId: id,
          variantKey: d.variant,
          rollout: d.rollout,
          variantAttachment: attachmentJson(variants.get(d.variant)?.attachment),
        })),
      };
    }),
    rollouts: flag.rollouts.map((rollout, i) => toEngineRollout(rollout, i + 1, segments)),
    ...(defaultVariant
      ? { defaultVariant: { id: `${flag.key}/${defaultVariant.key}`, key: defaultVariant.key, attachment: attachmentJson(defaultVariant.attachment) } }
      : {}),
  };
}

/**
 * Builds the engine document of one namespace from validated declarative documents, in file
 * order. Rule and rollout rank is their position in the file, as in Flipt.
 */
export function toEngineDocument(documents: readonly FeatureDocument[], namespace: string): EngineDocument {
  const flags: EngineFlag[] = [];
  for (const doc of documents) {
    if (doc.namespace !== namespace) continue;
    const segments = new Map(doc.segments.map((s) => [s.key, toEngineSegment(s)]));
    for (const flag of doc.flags) flags.push(toEngineFlag(flag, segments));
  }
  return { namespace: { key: namespace }, flags };
}

/** The namespaces the documents define. */
export function namespacesOf(documents: readonly FeatureDocument[]): string[] {
  return [...new Set(documents.map((d) => d.namespace))];
}
