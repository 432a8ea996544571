/**
 * The standard change catalogue (`changes.standardCatalogue` in the organisation file): templates whose plans were
 * assessed and authorised once, so a change raised from one is pre-approved (ISO20000.md, change types). Raising
 * one only needs when, why and who; the rest comes from the template.
 */
import type { NewChange } from './change';
import type { Organisation, StandardChangeTemplate } from './organisation';
import type { PersonRef } from './records';

/** The template with this id, if the catalogue has one. */
export function findStandardTemplate(org: Organisation, id: string): StandardChangeTemplate | undefined {
  return org.changes.standardCatalogue.find((t) => t.id === id);
}

/** What to tell someone who named a template the catalogue does not have. */
export function unknownTemplateMessage(org: Organisation, id: string): string {
  const ids = org.changes.standardCatalogue.map((t) => t.id);
  if (ids.length === 0) return 'There are no standard change templates in the organisation file; raise a normal change';
  return `"${id}" is not in the standard change catalogue; pick one of: ${ids.join(', ')}`;
}

/** The planned end of a change from `template` starting at `start`: the template's typical duration later. */
export function templateEnd(template: Pick<StandardChangeTemplate, 'durationMinutes'>, start: Date): Date {
  return new Date(start.getTime() + template.durationMinutes * 60_000);
}

/** What the requester adds to a template: when it runs and why; everything else may be left to the template. */
export interface FromTemplateInput {
  plannedStart: Date;
  reason: string;
  /** Defaults to start + the template's duration. */
  plannedEnd?: Date;
  /** Defaults to the template's title. */
  title?: string;
  /** Extra detail for this occurrence; defaults to the template's description. */
  description?: string;
  /** Defaults to all the template's services; must be among them. */
  services?: string[];
  implementer?: PersonRef;
  linkedIncidents?: string[];
  linkedProblems?: string[];
}

/**
 * `NewChange` input for a standard change from `template` (hand it to `createChange`). The plans are the
 * template's, because those are what was pre-approved; createChange enforces the same.
 */
export function newChangeFromTemplate(template: StandardChangeTemplate, input: FromTemplateInput): NewChange {
  return {
    type: 'standard',
    template: template.id,
    title: input.title ?? template.title,
    description: input.description ?? template.description,
    services: input.services ?? [...template.services],
    reason: input.reason,
    implementationPlan: template.implementationPlan,
    backoutPlan: template.backoutPlan,
    testPlan: template.testPlan,
    plannedStart: input.plannedStart,
    plannedEnd: input.plannedEnd ?? templateEnd(template, input.plannedStart),
    ...(input.implementer ? { implementer: input.implementer } : {}),
    linkedIncidents: input.linkedIncidents ?? [],
    linkedProblems: input.linkedProblems ?? [],
  };
}
