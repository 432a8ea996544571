import { conflict, DomainError, InvalidInputError, isDomainError, notAllowed, notFound } from '../../src/domain/errors';
import { z } from 'zod';
import { formatPath, parseOrThrow } from '../../src/domain/validation';

describe('domain errors', () => {
  it('carry a code, a user-facing message and details', () => {
    const error = notFound('INC-000999', 'Check the number.');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('not_found');
    expect(error.message).toBe("I can't find INC-000999. Check the number.");
    expect(error.details).toEqual({ what: 'INC-000999' });
    expect(notAllowed('Only the support team can resolve it.').code).toBe('not_allowed');
    expect(conflict('Already approved.').code).toBe('conflict');
  });

  it('are recognised by isDomainError, optionally by code', () => {
    expect(isDomainError(notFound('x'))).toBe(true);
    expect(isDomainError(notFound('x'), 'not_allowed')).toBe(false);
    expect(isDomainError(new Error('boom'))).toBe(false);
  });
});

describe('parseOrThrow', () => {
  const schema = z.object({ summary: z.string().min(1, { error: 'Summary can\'t be empty' }), n: z.number() });

  it('returns parsed data', () => {
    expect(parseOrThrow(schema, { summary: 'x', n: 1 }, 'incident')).toEqual({ summary: 'x', n: 1 });
  });

  it('throws an InvalidInputError with every field problem', () => {
    try {
      parseOrThrow(schema, { summary: '', n: 'one' }, 'incident');
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      const invalid = error as InvalidInputError;
      expect(invalid.code).toBe('invalid_input');
      expect(invalid.message).toBe("That incident isn't valid (summary): Summary can't be empty.");
      expect(invalid.fields.map((f) => f.path)).toEqual(['summary', 'n']);
    }
  });

  it('formats zod paths the way people read YAML', () => {
    expect(formatPath(['teams', 2, 'lead'])).toBe('teams[2].lead');
    expect(formatPath(['priorities', 'matrix', 'high'])).toBe('priorities.matrix.high');
    expect(formatPath([])).toBe('(root)');
  });
});
