/**
 * Look-ups: a change by number, the change schedule for the coming days with its freeze windows, and the person's
 * own changes on the App Home.
 */
import { freezeWindowsDuring } from '../../src/domain/change-schedule';
import { canonicalRecordNumber } from '../../src/domain/records';
import type { CommandEvent } from '../../src/engine/events';
import type { HomeContext, Reply, Turn } from '../../src/engine/flow';
import { textMessage, type Block } from '../../src/engine/message';
import { createChangeRepository } from './change.repository';
import { changePage, scheduleMessage, statusWords, TEXT } from './request-change.messages';

/** How far ahead `changes` looks. */
export const SCHEDULE_DAYS = 14;

/** `CHG-000045`: the change's page (every member of staff may read the change schedule and its records). */
export async function showChange(turn: Turn, typed: string): Promise<Reply> {
  const number = canonicalRecordNumber(typed);
  const repo = createChangeRepository(turn.services);
  const stored = number ? await repo.load(number) : null;
  if (!stored) return { messages: [textMessage(TEXT.notFound(number ?? typed))] };
  return { messages: [changePage(turn.services.org, stored.record, turn.actor.timeZone)] };
}

/** `changes`: what is planned in the next two weeks, and the freezes in that time. */
export async function showSchedule(turn: Turn<CommandEvent>): Promise<Reply> {
  const { services, now, actor } = turn;
  const until = new Date(now.getTime() + SCHEDULE_DAYS * 86_400_000);
  const changes = await createChangeRepository(services).listSchedule(now, until);
  const freezes = freezeWindowsDuring(services.org, now, until);
  return { messages: [scheduleMessage(services.org, changes, freezes, actor.timeZone, SCHEDULE_DAYS)] };
}

/** The person's changes in progress, for the App Home. */
export async function homeBlocks({ services, actor }: HomeContext): Promise<Block[]> {
  const mine = await createChangeRepository(services).listOpenForPerson(actor.id, 10);
  if (mine.length === 0) return [];
  return [
    { kind: 'heading', text: 'Your changes' },
    ...mine.map((c) => ({ kind: 'text' as const, text: [{ bold: c.id }, ` ${c.title} — ${statusWords(c.status)}`] })),
  ];
}
