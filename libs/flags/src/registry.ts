import { z } from 'zod';

/**
 * The flags Box Office code reads, with the answer each one gives when the flag cannot be
 * evaluated (never loaded, missing from the namespace, wrong type, disabled, unparsable
 * attachment). Safe defaults keep a service doing its ordinary job: checkout keeps selling,
 * pricing stays as it was, no fault is injected, notifications go by e-mail.
 *
 * Keys must match `k8s/flags/*.features.yml`; `checkRegistry()` and the tests compare the two.
 */

export interface BooleanFlagDefinition {
  readonly type: 'boolean';
  readonly description: string;
  readonly default: boolean;
}

export interface VariantFlagDefinition<V extends string = string, A = unknown> {
  readonly type: 'variant';
  readonly description: string;
  readonly variants: readonly V[];
  readonly default: V;
  /** Schema of the variant attachment (the JSON object stored with each variant in the flag file). */
  readonly attachment: z.ZodType<A>;
  /** Attachment returned with the default variant when the flag cannot be evaluated. */
  readonly defaultAttachment: A;
}

export type FlagDefinition = BooleanFlagDefinition | VariantFlagDefinition<string, unknown>;

function booleanFlag(definition: Omit<BooleanFlagDefinition, 'type'>): BooleanFlagDefinition {
  return { type: 'boolean', ...definition };
}

function variantFlag<const V extends string, A>(
  definition: Omit<VariantFlagDefinition<V, A>, 'type'>,
): VariantFlagDefinition<V, A> {
  return { type: 'variant', ...definition };
}

/** Variants without a payload: the attachment is absent in the file and `null` here. */
const noAttachment = z.null();

export const failureRateAttachment = z.object({ rate: z.number().min(0).max(1) }).strict();
export const addedLatencyAttachment = z.object({ ms: z.number().int().min(0).max(30_000) }).strict();

export const flagRegistry = {
  'checkout-kill-switch': booleanFlag({
    description: 'On: checkout refuses new orders with 503 and Retry-After; reads and existing orders keep working.',
    default: false,
  }),
  'checkout-new-pricing': booleanFlag({
    description: 'New pricing for a percentage of users, stable per user id.',
    default: false,
  }),
  'notify-channel': variantFlag({
    description: 'Channel notify uses for a user, chosen by plan and region.',
    variants: ['email', 'sms', 'push', 'webhook'],
    default: 'email',
    attachment: noAttachment,
    defaultAttachment: null,
  }),
  'checkout-payment-failure-rate': variantFlag({
    description: 'Demo fault injection: share of payments checkout fails on purpose (0..1).',
    variants: ['off', 'low', 'high', 'all'],
    default: 'off',
    attachment: failureRateAttachment,
    defaultAttachment: { rate: 0 },
  }),
  'checkout-added-latency-ms': variantFlag({
    description: 'Demo fault injection: milliseconds checkout waits before answering an order request.',
    variants: ['none', 'small', 'large'],
    default: 'none',
    attachment: addedLatencyAttachment,
    defaultAttachment: { ms: 0 },
  }),
} as const satisfies Record<string, FlagDefinition>;

export type FlagRegistry = typeof flagRegistry;
export type FlagKey = keyof FlagRegistry;
export type BooleanFlagKey = { [K in FlagKey]: FlagRegistry[K] extends BooleanFlagDefinition ? K : never }[FlagKey];
export type VariantFlagKey = Exclude<FlagKey, BooleanFlagKey>;
export type VariantKeyOf<K extends VariantFlagKey> = FlagRegistry[K]['variants'][number];
export type AttachmentOf<K extends VariantFlagKey> = FlagRegistry[K]['defaultAttachment'] extends null
  ? null
  : z.infer<FlagRegistry[K]['attachment']>;

/** What `variant()` returns: the variant key and its attachment, parsed and typed. */
export interface VariantResult<K extends VariantFlagKey = VariantFlagKey> {
  key: VariantKeyOf<K>;
  attachment: AttachmentOf<K>;
}

export type NotifyChannel = VariantKeyOf<'notify-channel'>;

export const flagKeys = Object.keys(flagRegistry) as FlagKey[];

export function isFlagKey(key: string): key is FlagKey {
  return Object.prototype.hasOwnProperty.call(flagRegistry, key);
}

export function flagDefinition(key: FlagKey): FlagDefinition {
  return flagRegistry[key] as FlagDefinition;
}
