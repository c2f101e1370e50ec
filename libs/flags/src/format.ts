/**
 * Flipt's declarative flag format (`*.features.yml`, index `.flipt.yml`), as described by the CUE
 * schema in flipt-io/flipt (`core/validation/flipt.cue`, version 1.4) plus the semantic checks
 * Flipt's snapshot builder makes (references to segments and variants).
 *
 * Enum names here are the *file* names. The engine document uses different ones; see
 * `engine-document.ts` for the mapping.
 */

export const FORMAT_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4'] as const;
export type FormatVersion = (typeof FORMAT_VERSIONS)[number];
export const LATEST_VERSION: FormatVersion = '1.4';

export const FLAG_TYPES = ['BOOLEAN_FLAG_TYPE', 'VARIANT_FLAG_TYPE'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export const MATCH_TYPES = ['ALL_MATCH_TYPE', 'ANY_MATCH_TYPE'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export const SEGMENT_OPERATORS = ['OR_SEGMENT_OPERATOR', 'AND_SEGMENT_OPERATOR'] as const;
export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];

export const COMPARISON_TYPES = [
  'STRING_COMPARISON_TYPE',
  'NUMBER_COMPARISON_TYPE',
  'BOOLEAN_COMPARISON_TYPE',
  'DATETIME_COMPARISON_TYPE',
  'ENTITY_ID_COMPARISON_TYPE',
] as const;
export type ComparisonType = (typeof COMPARISON_TYPES)[number];

/**
 * Operators per constraint type. Flipt's CUE schema lists `le` for "less than" on numbers and
 * date-times; that was a schema bug (fixed upstream to `lt`, flipt-io/flipt#6307): the evaluators
 * implement `lt`, and the in-process engine never matches `le`. We accept `lt` and reject `le`.
 */
export const OPERATORS: Record<ComparisonType, readonly string[]> = {
  STRING_COMPARISON_TYPE: ['eq', 'neq', 'empty', 'notempty', 'prefix', 'suffix', 'isoneof', 'isnotoneof'],
  NUMBER_COMPARISON_TYPE: ['eq', 'neq', 'present', 'notpresent', 'lt', 'lte', 'gt', 'gte', 'isoneof', 'isnotoneof'],
  BOOLEAN_COMPARISON_TYPE: ['true', 'false', 'present', 'notpresent'],
  DATETIME_COMPARISON_TYPE: ['eq', 'neq', 'present', 'notpresent', 'lt', 'lte', 'gt', 'gte'],
  ENTITY_ID_COMPARISON_TYPE: ['eq', 'neq', 'isoneof', 'isnotoneof'],
};

/** Operators that compare nothing: a `value` is ignored. */
export const VALUELESS_OPERATORS: ReadonlySet<string> = new Set(['empty', 'notempty', 'present', 'notpresent', 'true', 'false']);

/** Keys of flags, segments and namespaces. */
export const KEY_PATTERN = /^[-_,A-Za-z0-9]+$/;

export const INDEX_FILE = '.flipt.yml';
/** What Flipt reads when there is no index file. */
export const DEFAULT_INCLUDE = ['**features.yml', '**features.yaml', '**.features.yml', '**.features.yaml'];
export const DEFAULT_NAMESPACE = 'default';

export interface Located {
  /** 1-based line of the item's first token in its file. */
  line: number;
}

export interface ConstraintDef extends Located {
  type: ComparisonType;
  property: string;
  operator: string;
  value?: string;
  description?: string;
}

export interface SegmentDef extends Located {
  key: string;
  name: string;
  description?: string;
  matchType: MatchType;
  constraints: ConstraintDef[];
}

export interface VariantDef extends Located {
  key: string;
  name?: string;
  description?: string;
  /** A mapping or a list (Flipt's schema allows nothing else), or null when absent. */
  attachment: unknown;
  default: boolean;
}

export interface DistributionDef extends Located {
  variant: string;
  rollout: number;
}

export interface RuleDef extends Located {
  segmentKeys: string[];
  operator: SegmentOperator;
  distributions: DistributionDef[];
}

export interface ThresholdRolloutDef extends Located {
  kind: 'threshold';
  description?: string;
  percentage: number;
  value: boolean;
}

export interface SegmentRolloutDef extends Located {
  kind: 'segment';
  description?: string;
  segmentKeys: string[];
  operator: SegmentOperator;
  value: boolean;
}

export type RolloutDef = ThresholdRolloutDef | SegmentRolloutDef;

export interface FlagDef extends Located {
  key: string;
  name: string;
  description?: string;
  type: FlagType;
  enabled: boolean;
  variants: VariantDef[];
  rules: RuleDef[];
  rollouts: RolloutDef[];
  metadata?: Record<string, string | number | boolean>;
}

/** One YAML document of a features file, validated. */
export interface FeatureDocument {
  /** Absolute path of the file. */
  file: string;
  /** The file as shown in messages (relative to the working directory when inside it). */
  displayPath: string;
  /** Index of the document in a multi-document (`---`) file. */
  index: number;
  version: FormatVersion;
  namespace: string;
  flags: FlagDef[];
  segments: SegmentDef[];
}

export interface FlagProblem {
  file: string;
  line: number;
  column: number;
  /** Where in the document, e.g. `flag "checkout-new-pricing" rollouts[0].threshold.percentage`. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(problem: FlagProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  const tag = problem.severity === 'warning' ? ' (warning)' : '';
  return problem.path ? `${where} ${problem.path}: ${problem.message}${tag}` : `${where} ${problem.message}${tag}`;
}

export function versionAtLeast(version: FormatVersion, minimum: FormatVersion): boolean {
  return FORMAT_VERSIONS.indexOf(version) >= FORMAT_VERSIONS.indexOf(minimum);
}
