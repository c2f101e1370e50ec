import { NotificationTemplates } from './notification-templates';

const templates = new NotificationTemplates();
const ticket = {
  displayName: "Siobhán O'Brien",
  orderId: 'ord-1',
  eventName: 'Swan Lake',
  startsAt: '2027-03-14T19:30:00.000Z',
  tierName: 'Stalls',
  quantity: 2,
  totalCents: 8_500,
  currency: 'EUR',
  paymentReference: 'pay_123',
};

describe('NotificationTemplates', () => {
  it('renders a ticket confirmation e-mail with money, date and the name as typed (no HTML escaping)', () => {
    const { subject, body } = templates.render('ticket_confirmation', ticket, 'email');
    expect(subject).toBe('Your tickets for Swan Lake');
    expect(body).toContain("Hi Siobhán O'Brien,");
    expect(body).toContain('2 × Stalls for Swan Lake, 14 Mar 2027, 19:30 UTC');
    expect(body).toContain('Total: €85.00');
    expect(body).toContain('Payment reference: pay_123');
  });

  it('uses the short form for sms and push and the long form for webhooks', () => {
    expect(templates.render('ticket_confirmation', ticket, 'sms').body).toBe('Confirmed: 2 × Stalls for Swan Lake, 14 Mar 2027, 19:30 UTC. Order ord-1.');
    expect(templates.render('ticket_confirmation', ticket, 'push').body.length).toBeLessThanOrEqual(160);
    expect(templates.render('ticket_confirmation', ticket, 'webhook').body).toContain('Total: €85.00');
  });

  it('explains a failed payment in words', () => {
    const { body } = templates.render(
      'payment_failed',
      { displayName: 'Ada', orderId: 'ord-2', eventName: 'Swan Lake', tierName: 'Stalls', quantity: 1, reason: 'payment-timeout', message: 'Try again later.' },
      'email',
    );
    expect(body).toContain('(1 × Stalls for Swan Lake): the payment provider did not answer in time.');
    expect(body).toContain('Try again later.');
  });

  it('mentions Premium only to premium members', () => {
    expect(templates.render('welcome', { displayName: 'Ada', premium: true }, 'email').body).toContain('Premium member');
    expect(templates.render('welcome', { displayName: 'Ada', premium: false }, 'email').body).not.toContain('Premium');
  });

  it('fails instead of sending a blank when a field is missing', () => {
    expect(() => templates.render('welcome', { premium: false } as never, 'email')).toThrow(/"displayName" not defined/);
  });

  it('keeps line breaks, control characters and markup of a display name out of subject and body', () => {
    const hostile = 'Eve\r\nBcc: victim@example.com\r\n<script>alert(1)</script>\u0007\u2028<b>x</b>';
    for (const channel of ['email', 'webhook', 'sms', 'push'] as const) {
      const { subject, body } = templates.render('welcome', { displayName: hostile, premium: false }, channel);
      expect(subject).toBe('Welcome to Box Office, Eve Bcc: victim@example.com scriptalert(1)/script bx/b');
      for (const forbidden of ['\r', '\n', '\u0007', '\u2028', '<', '>']) expect(subject).not.toContain(forbidden);
      for (const forbidden of ['\r', '\u0007', '\u2028', '<', '>', 'Bcc: victim@example.com\n']) expect(body).not.toContain(forbidden);
    }
    expect(templates.render('ticket_confirmation', { ...ticket, eventName: 'Gala\r\nX-Injected: 1' }, 'email').subject).toBe('Your tickets for Gala X-Injected: 1');
  });
});
