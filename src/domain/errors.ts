/**
 * Expected outcomes the user is told about: a record that does not exist, an action they may not take, a step
 * the record's lifecycle does not allow, input that fails validation, a clash with another record.
 *
 * These are not bugs. Adapters show `message` to the person who typed (it is written for them: what happened and
 * what they can do instead) and never log a stack for them. Anything that is not a DomainError is unexpected and
 * goes to the adapter's error sink.
 */

/** The kinds of expected outcome; adapters and flows switch on this, never on the message. */
export type DomainErrorCode = 'not_found' | 'not_allowed' | 'invalid_transition' | 'invalid_input' | 'conflict';

/** An expected outcome with a user-facing message and optional machine-readable details. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** True for any {@link DomainError}, optionally of one code (narrowing helper for catch blocks). */
export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}

/** Refused lifecycle step: says what state the record is in and what can be done with it instead. */
export class InvalidTransitionError extends DomainError {
  constructor(
    readonly kind: string,
    readonly recordId: string | undefined,
    readonly from: string,
    readonly action: string,
    readonly allowed: readonly string[],
    message: string,
  ) {
    super('invalid_transition', message, { kind, recordId, from, action, allowed });
    this.name = 'InvalidTransitionError';
  }
}

/** One field that failed validation, by dotted path (`sla.respondBy`), with a message for the person who typed. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Input that failed validation; `fields` lets a form show each message next to its field. */
export class InvalidInputError extends DomainError {
  constructor(
    message: string,
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super('invalid_input', message, { fields });
    this.name = 'InvalidInputError';
  }
}

/** `INC-000999` or `person "sam"` does not exist. */
export function notFound(what: string, hint?: string): DomainError {
  return new DomainError('not_found', `I can't find ${what}.${hint ? ` ${hint}` : ''}`, { what });
}

/** The person may not do this; `why` names the rule (e.g. "only the support team can resolve it"). */
export function notAllowed(why: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('not_allowed', why, details);
}

/** The request clashes with existing state (a duplicate, a scheduling clash, a stale update). */
export function conflict(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('conflict', message, details);
}
