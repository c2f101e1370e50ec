import Handlebars from 'handlebars';
import type { PayloadOf } from '@boxoffice/contracts';
import type { NotificationChannel, NotificationKind } from '../generated/prisma/enums';

/** What each kind's templates may use; rendering fails (strict mode) when a field is missing. */
export interface TemplateData {
  welcome: { displayName: string; premium: boolean };
  ticket_confirmation: {
    displayName: string;
    orderId: string;
    eventName: string;
    startsAt: string;
    tierName: string;
    quantity: number;
    totalCents: number;
    currency: string;
    paymentReference: string;
  };
  payment_failed: {
    displayName: string;
    orderId: string;
    eventName: string;
    tierName: string;
    quantity: number;
    reason: PayloadOf<'checkout.order-failed.v1'>['reason'];
    message: string;
  };
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

interface KindTemplates {
  subject: string;
  /** Long form: e-mail and webhook. */
  text: string;
  /** Fits an SMS or a push notification. */
  short: string;
}

const sources: Record<NotificationKind, KindTemplates> = {
  welcome: {
    subject: 'Welcome to Box Office, {{displayName}}',
    text: [
      'Hi {{displayName}},',
      '',
      'your Box Office account is ready.{{#if premium}} As a Premium member you get early access to every sale.{{/if}}',
      '',
      'See you at the show!',
    ].join('\n'),
    short: 'Welcome to Box Office, {{displayName}}! Your account is ready.',
  },
  ticket_confirmation: {
    subject: 'Your tickets for {{eventName}}',
    text: [
      'Hi {{displayName}},',
      '',
      'payment received: order {{orderId}} is confirmed.',
      '',
      '{{quantity}} × {{tierName}} for {{eventName}}, {{dateTime startsAt}}',
      'Total: {{money totalCents currency}}',
      'Payment reference: {{paymentReference}}',
      '',
      'Show this message at the entrance. Enjoy the show!',
    ].join('\n'),
    short: 'Confirmed: {{quantity}} × {{tierName}} for {{eventName}}, {{dateTime startsAt}}. Order {{orderId}}.',
  },
  payment_failed: {
    subject: 'Payment failed for {{eventName}}',
    text: [
      'Hi {{displayName}},',
      '',
      'we could not take the payment for order {{orderId}} ({{quantity}} × {{tierName}} for {{eventName}}): {{reasonText reason}}.',
      '{{message}}',
      '',
      'The seats were released; you are welcome to order again.',
    ].join('\n'),
    short: 'Payment failed for {{eventName}} (order {{orderId}}): {{reasonText reason}}. The seats were released.',
  },
};

const reasons: Record<TemplateData['payment_failed']['reason'], string> = {
  'payment-declined': 'the payment was declined',
  'payment-error': 'the payment provider reported an error',
  'payment-timeout': 'the payment provider did not answer in time',
};

// Building an Intl formatter costs far more than using one: they are made once (per currency).
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const moneyFormats = new Map<string, Intl.NumberFormat>();

function money(cents: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) moneyFormats.set(currency, (format = new Intl.NumberFormat('en', { style: 'currency', currency })));
  return format.format(cents / 100);
}

function createEngine(): typeof Handlebars {
  const engine = Handlebars.create();
  engine.registerHelper('money', money);
  engine.registerHelper('dateTime', (iso: string) => `${dateTimeFormat.format(new Date(iso))} UTC`);
  engine.registerHelper('reasonText', (reason: keyof typeof reasons) => reasons[reason] ?? reason);
  return engine;
}

type Compiled = { [Part in keyof KindTemplates]: HandlebarsTemplateDelegate };

// C0 and C1 control characters (CR and LF included) and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const MARKUP = /[<>]/g;

/**
 * A value as it may appear in a message: on one line (a line break in a subject would start a new
 * e-mail header) and without markup (an HTML channel would render it). Event payloads come from
 * other services and older accounts, so this does not rely on the producer having checked.
 */
export function plainText(value: string): string {
  return value.replace(CONTROL, ' ').replace(MARKUP, '').replace(/ {2,}/g, ' ').trim();
}

function sanitized<T extends object>(data: T): T {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, typeof value === 'string' ? plainText(value) : value])) as T;
}

/**
 * Renders notifications from Handlebars templates, compiled once. Plain text, so nothing is
 * HTML-escaped (a name like "O'Brien" stays as typed), but every value is made `plainText` first:
 * no line breaks, no control characters, no angle brackets; strict mode turns a missing field into an
 * error instead of a blank in a customer's message.
 */
export class NotificationTemplates {
  private readonly compiled: Record<NotificationKind, Compiled>;

  constructor() {
    const engine = createEngine();
    const compile = (source: string) => engine.compile(source, { strict: true, noEscape: true });
    this.compiled = Object.fromEntries(
      Object.entries(sources).map(([kind, t]) => [kind, { subject: compile(t.subject), text: compile(t.text), short: compile(t.short) }]),
    ) as Record<NotificationKind, Compiled>;
  }

  render<K extends NotificationKind>(kind: K, data: TemplateData[K], channel: NotificationChannel): RenderedMessage {
    const templates = this.compiled[kind];
    const long = channel === 'email' || channel === 'webhook';
    const clean = sanitized(data);
    return { subject: templates.subject(clean), body: (long ? templates.text : templates.short)(clean) };
  }
}
