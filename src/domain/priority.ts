/**
 * Incident priority from impact × urgency (clause 8.6.1: classify and prioritise), using the matrix and targets
 * the organisation file defines rather than a hard-coded table.
 */
import { DomainError } from './errors';
import type { PriorityLevel, PrioritySettings } from './organisation';

/** The priority level (id, label, targets, clock) for an impact and urgency; throws for unknown levels. */
export function priorityFor(priorities: PrioritySettings, impact: string, urgency: string): PriorityLevel {
  const impactIds = priorities.impact.map((l) => l.id);
  const urgencyIds = priorities.urgency.map((l) => l.id);
  if (!impactIds.includes(impact)) {
    throw new DomainError('invalid_input', `"${impact}" is not an impact level. Choose one of: ${impactIds.join(', ')}.`, {
      field: 'impact',
      allowed: impactIds,
    });
  }
  if (!urgencyIds.includes(urgency)) {
    throw new DomainError('invalid_input', `"${urgency}" is not an urgency level. Choose one of: ${urgencyIds.join(', ')}.`, {
      field: 'urgency',
      allowed: urgencyIds,
    });
  }
  // The organisation schema guarantees the matrix is complete and every cell has a level.
  const id = priorities.matrix[impact]?.[urgency];
  return priorityLevel(priorities, id ?? '');
}

/** The level with this id; throws `not_found` for an id the organisation does not define. */
export function priorityLevel(priorities: PrioritySettings, id: string): PriorityLevel {
  const level = priorities.levels.find((l) => l.id === id);
  if (!level) {
    throw new DomainError('not_found', `Priority "${id}" is not defined in the organisation file.`, {
      allowed: priorities.levels.map((l) => l.id),
    });
  }
  return level;
}

/** Negative when `a` is more urgent than `b` (levels are listed most urgent first); for sorting queues. */
export function comparePriorities(priorities: PrioritySettings, a: string, b: string): number {
  const rank = (id: string): number => {
    const i = priorities.levels.findIndex((l) => l.id === id);
    return i === -1 ? priorities.levels.length : i;
  };
  return rank(a) - rank(b);
}
