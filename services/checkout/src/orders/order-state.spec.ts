import { canTransition, ORDER_STATUSES, statesLeadingTo } from './order-state';

describe('order state machine', () => {
  it('moves a pending order to confirmed, failed or cancelled', () => {
    expect(canTransition('pending', 'confirmed')).toBe(true);
    expect(canTransition('pending', 'failed')).toBe(true);
    expect(canTransition('pending', 'cancelled')).toBe(true);
  });

  it.each(['confirmed', 'failed', 'cancelled'] as const)('never moves a %s order again', (final) => {
    for (const to of ORDER_STATUSES) expect(canTransition(final, to)).toBe(false);
  });

  it('rejects going back to pending or staying put', () => {
    expect(statesLeadingTo('pending')).toEqual([]);
    expect(canTransition('pending', 'pending')).toBe(false);
  });

  it('derives the SQL guard of each transition from the table', () => {
    expect(statesLeadingTo('confirmed')).toEqual(['pending']);
    expect(statesLeadingTo('failed')).toEqual(['pending']);
  });
});
