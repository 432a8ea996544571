import { canonicalRecordNumber, formatRecordNumber, parseRecordNumber, recordNumberSchema } from '../../src/domain/records';

describe('record numbers', () => {
  it('formats with six-digit zero padding and grows past it', () => {
    expect(formatRecordNumber('INC', 123)).toBe('INC-000123');
    expect(formatRecordNumber('CHG', 45)).toBe('CHG-000045');
    expect(formatRecordNumber('IMP', 1234567)).toBe('IMP-1234567');
  });

  it('refuses numbers below 1 and non-integers', () => {
    expect(() => formatRecordNumber('INC', 0)).toThrow(RangeError);
    expect(() => formatRecordNumber('INC', 1.5)).toThrow(RangeError);
  });

  it.each([
    ['INC-000123', { prefix: 'INC', n: 123 }],
    ['inc-123', { prefix: 'INC', n: 123 }],
    ['Chg45', { prefix: 'CHG', n: 45 }],
    [' imp 12 ', { prefix: 'IMP', n: 12 }],
    ['PRB-7', { prefix: 'PRB', n: 7 }],
  ])('reads %p', (text, expected) => {
    expect(parseRecordNumber(text)).toEqual(expected);
  });

  it.each(['', 'INC', 'INC-', 'INC-0', 'INC-000000', 'ABC-123', 'INC-12a', 'INC--12', 'look up INC-12', '123', 'INC-1e3'])(
    'rejects %p',
    (text) => {
      expect(parseRecordNumber(text)).toBeNull();
    },
  );

  it('canonicalises what people type', () => {
    expect(canonicalRecordNumber('inc-12')).toBe('INC-000012');
    expect(canonicalRecordNumber('nonsense')).toBeNull();
  });

  it('validates stored ids of one kind only', () => {
    const schema = recordNumberSchema('INC');
    expect(schema.safeParse('INC-000123').success).toBe(true);
    expect(schema.safeParse('CHG-000123').success).toBe(false);
    expect(schema.safeParse('INC-123').success).toBe(false);
  });
});
