/**
 * Look-ups: `actions` (the person's own open actions, overdue first, and for a manager their team's), the same on
 * the App Home, and an entry by number (`IMP-000012`), shown as its card with the buttons the reader may press.
 */
import { localIsoDate } from '../../src/domain/dates';
import type { ImprovementStatus } from '../../src/domain/improvement';
import { canonicalRecordNumber } from '../../src/domain/records';
import type { Actor } from '../../src/engine/events';
import type { HomeContext, Reply, Turn } from '../../src/engine/flow';
import { textMessage, type Block } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { cardForActor } from './cards';
import { actionsBlocks, TEXT } from './improvement-actions.messages';
import { createImprovementRepository } from './improvement.repository';
import { reportsOf } from './roles';

/** What the list shows: entries with something still to do, including those awaiting their effectiveness check. */
const LISTED: readonly ImprovementStatus[] = ['proposed', 'approved', 'in_progress', 'done'];

async function listBlocks(services: Services, actor: Actor, now: Date, limit: number): Promise<Block[]> {
  const repo = createImprovementRepository(services);
  const today = localIsoDate(now, actor.timeZone);
  const mine = await repo.listForOwners([actor.id], LISTED, limit);
  const reports = reportsOf(services, actor.id);
  const team = reports.length > 0 ? await repo.listForOwners(reports, LISTED, limit) : undefined;
  return actionsBlocks(mine, team, today);
}

/** `actions`. */
export async function showActions(turn: Turn): Promise<Reply> {
  const blocks = await listBlocks(turn.services, turn.actor, turn.now, 50);
  return { messages: [{ summary: 'Your improvement actions', blocks }] };
}

/** The App Home section: the same list, shorter. */
export async function homeBlocks({ services, actor, now }: HomeContext): Promise<Block[]> {
  return listBlocks(services, actor, now, 10);
}

/** `IMP-000012`: the entry's card (every member of staff may read the register). */
export async function showImprovement(turn: Turn, typed: string): Promise<Reply> {
  const number = canonicalRecordNumber(typed);
  const stored = number?.startsWith('IMP-') ? await createImprovementRepository(turn.services).load(number) : null;
  if (!stored) return { messages: [textMessage(TEXT.notFound(number ?? typed))] };
  return { messages: [cardForActor(turn.services, stored.record, turn.actor)] };
}
