/**
 * Who owns a document, and so who hears the questions it could not answer. The front matter's `owner` may name a
 * person of the organisation file (id, name or e-mail) or a role; otherwise the owner of the process its clause
 * belongs to, and in the end the owner of the knowledge process (clause 7.6).
 */
import { PROCESSES, ROLES, processOwnerOf, type OrganisationIndex, type Person, type ProcessId } from '../../src/domain/organisation';
import type { DocumentInfo } from './markdown-sections';

/** The process a clause belongs to (`8.5.1` → change), if the file's processes include it. */
export function processOfClause(clause: string | undefined): ProcessId | undefined {
  if (!clause) return undefined;
  const entry = Object.entries(PROCESSES).find(([, process]) => process.clause === clause.trim());
  return entry?.[0] as ProcessId | undefined;
}

function personNamed(index: OrganisationIndex, words: string): Person | undefined {
  const key = words.trim().toLowerCase();
  return (
    index.personById.get(key) ??
    index.personByEmail.get(key) ??
    index.organisation.people.find((p) => p.name.toLowerCase() === key)
  );
}

function personWithRole(index: OrganisationIndex, words: string): Person | undefined {
  const key = words.trim().toLowerCase().replace(/\s+/g, '-');
  const role = Object.entries(ROLES).find(([id, label]) => id === key || label.toLowerCase().replace(/\s+/g, '-') === key)?.[0];
  return role ? index.organisation.people.find((p) => p.roles.includes(role as never)) : undefined;
}

/** The person who answers for a document (null when the file names nobody at all). */
export function ownerOf(index: OrganisationIndex, doc: DocumentInfo | undefined): Person | undefined {
  if (doc?.owner) {
    const named = personNamed(index, doc.owner) ?? personWithRole(index, doc.owner);
    if (named) return named;
  }
  const process = processOfClause(doc?.iso20000);
  return (process ? processOwnerOf(index, process) : undefined) ?? processOwnerOf(index, 'knowledge');
}

/** The owner as shown in a citation: the person's name when the file knows them, else the words as written. */
export function ownerLabel(index: OrganisationIndex, doc: DocumentInfo): string | undefined {
  if (!doc.owner) return undefined;
  return personNamed(index, doc.owner)?.name ?? doc.owner;
}
