import { DomainError, InvalidTransitionError, isDomainError } from '../../src/domain/errors';
import { defineLifecycle } from '../../src/domain/lifecycle';
import { incidentLifecycle } from '../../src/domain/incident';

const door = defineLifecycle({
  kind: 'door',
  states: ['open', 'closed', 'locked', 'bricked_up'],
  transitions: {
    close: { from: ['open'], to: 'closed' },
    open: { from: ['closed'], to: 'open', past: 'opened' },
    lock: { from: ['closed'], to: 'locked' },
    unlock: { from: ['locked'], to: 'closed' },
    brick_up: { from: ['closed', 'locked'], to: 'bricked_up', past: 'bricked up' },
  },
});

describe('defineLifecycle', () => {
  it('answers can / next / allowedActions from the spec', () => {
    expect(door.can('open', 'close')).toBe(true);
    expect(door.can('open', 'lock')).toBe(false);
    expect(door.can('open', 'fly')).toBe(false);
    expect(door.next('closed', 'lock')).toBe('locked');
    expect(door.allowedActions('closed')).toEqual(['open', 'lock', 'brick_up']);
    expect(door.isFinal('bricked_up')).toBe(true);
    expect(door.isFinal('open')).toBe(false);
    expect(door.actions).toEqual(['close', 'open', 'lock', 'unlock', 'brick_up']);
  });

  it('explains a refused step in words, with what can be done instead', () => {
    try {
      door.next('locked', 'open', 'DOOR-1');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect(isDomainError(error, 'invalid_transition')).toBe(true);
      const refusal = error as InvalidTransitionError;
      expect(refusal.message).toBe("DOOR-1 is locked; it can't be opened. It can be: unlocked, bricked up.");
      expect(refusal).toMatchObject({ kind: 'door', recordId: 'DOOR-1', from: 'locked', action: 'open', allowed: ['unlock', 'brick_up'] });
    }
  });

  it('says when a state is final, and words state ids with underscores', () => {
    expect(() => door.next('bricked_up', 'open')).toThrow(
      "This door is bricked up; it can't be opened. A bricked up door is final; nothing more can be done with it.",
    );
  });

  it('refuses unknown actions (a stale button) with the same kind of error', () => {
    expect(() => door.next('open', 'fly', 'DOOR-1')).toThrow("DOOR-1 is open; it can't be fly. It can be: closed.");
  });

  it('narrows strings to states', () => {
    expect(door.isState('locked')).toBe(true);
    expect(door.isState('ajar')).toBe(false);
    expect(door.isState(3)).toBe(false);
  });

  it('fails at definition time when a transition names an unknown state', () => {
    expect(() =>
      defineLifecycle({ kind: 'x', states: ['a', 'b'], transitions: { go: { from: ['a'], to: 'c' as 'b' } } }),
    ).toThrow('x lifecycle: action "go" names unknown state "c"');
  });
});

describe('incident lifecycle', () => {
  it('matches the wording users see for a resolved incident', () => {
    expect(() => incidentLifecycle.next('resolved', 'take', 'INC-000123')).toThrow(
      "INC-000123 is resolved; it can't be taken. It can be: closed, reopened.",
    );
  });

  it('treats closed as final and on hold as resumable', () => {
    expect(incidentLifecycle.isFinal('closed')).toBe(true);
    expect(incidentLifecycle.allowedActions('on_hold')).toEqual(['resume', 'resolve']);
    expect(() => incidentLifecycle.next('on_hold', 'hold', 'INC-000001')).toThrow(
      "INC-000001 is on hold; it can't be put on hold. It can be: resumed, resolved.",
    );
  });

  it('is a DomainError the adapters can show as is', () => {
    expect(() => incidentLifecycle.next('closed', 'reopen')).toThrow(DomainError);
  });
});
