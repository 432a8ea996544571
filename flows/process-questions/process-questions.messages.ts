/**
 * Every word people read in the process-questions flow, as neutral messages: the cited answer, "I don't know"
 * with the offer to ask the owner, the owner's card and form, the gap list, and the replies to bad input.
 */
import { localIsoDate } from '../../src/domain/dates';
import type { KnowledgeGap } from '../../src/domain/question';
import type { ChannelKind } from '../../src/engine/events';
import { textMessage, type Block, type Message, type Span } from '../../src/engine/message';
import { excerpt, markdownSpans } from './answer-text';
import type { KnowledgeSection } from './knowledge-index';
import { ACTIONS, FORMS, LIMITS, id } from './process-questions.ids';
import type { QuestionProblem } from './question-checks';

/** How a person types the command where they are. */
export function askCommand(channel: ChannelKind): string {
  return channel === 'slack' ? '/itsm ask' : 'ask';
}

function quoted(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Where a section lives: `url#anchor`, or the file path when the document has no url. */
export function sectionLink(section: KnowledgeSection): { href?: string; label: string } {
  const anchor = section.anchor ? `#${section.anchor}` : '';
  if (section.doc.url) return { href: `${section.doc.url}${anchor}`, label: `${section.doc.url}${anchor}` };
  return { label: `${section.doc.file}${anchor}` };
}

/** "Title › Heading", linked where the document has a url. */
function sectionRef(section: KnowledgeSection): Span[] {
  const name = section.heading === section.doc.title ? section.doc.title : `${section.doc.title} › ${section.heading}`;
  const link = sectionLink(section);
  return link.href ? [{ link: link.href, text: name }] : [name, ' (', { code: link.label }, ')'];
}

/** The citation line: document, section, link, owner, clause, version. */
function citation(section: KnowledgeSection, owner: string | undefined): Span[] {
  const { doc } = section;
  const facts: string[] = [];
  if (owner) facts.push(`owner ${owner}`);
  if (doc.iso20000) facts.push(`ISO/IEC 20000-1 clause ${doc.iso20000}`);
  if (doc.version) facts.push(`version ${doc.version}`);
  if (doc.updated) facts.push(`updated ${doc.updated}`);
  return ['Source: ', ...sectionRef(section), ...(facts.length > 0 ? [` · ${facts.join(' · ')}`] : [])];
}

/** The answer: the best section's text, its citation, up to two more sections, and the feedback buttons. */
export function answerMessage(input: {
  section: KnowledgeSection;
  owner?: string;
  also: Array<{ section: KnowledgeSection }>;
  questionId: string;
}): Message {
  const { section, also, questionId } = input;
  const { text, cut } = excerpt(section.body, LIMITS.excerpt);
  const heading = section.parent ? `${section.parent}: ${section.heading}` : section.heading;
  const blocks: Block[] = [
    { kind: 'heading', text: heading.length > 140 ? `${heading.slice(0, 139)}…` : heading },
    { kind: 'text', text: markdownSpans(cut ? `${text}\n\n(The section goes on: follow the link for all of it.)` : text) },
    { kind: 'context', text: citation(section, input.owner) },
  ];
  if (also.length > 0) {
    const lines: Span[] = ['Also relevant:'];
    for (const other of also) lines.push('\n- ', ...sectionRef(other.section));
    blocks.push({ kind: 'text', text: lines });
  }
  blocks.push({
    kind: 'actions',
    buttons: [
      { action: id(ACTIONS.helpful), label: '👍 Helpful', value: questionId },
      { action: id(ACTIONS.unhelpful), label: '👎 Not helpful', value: questionId },
    ],
  });
  return { summary: `${heading} — from ${section.doc.title}`, blocks };
}

/** The gate said no: no guess, the offer to ask the owner (when the file names one). */
export function dontKnowMessage(input: { question: string; gapId: string; owner?: string; nearest?: KnowledgeSection }): Message {
  const blocks: Block[] = [
    { kind: 'text', text: ["I don't know the answer to ", { italic: quoted(input.question) }, " — I couldn't find it in the process documents, and I won't guess."] },
  ];
  if (input.nearest) blocks.push({ kind: 'context', text: ['The closest I found, which may not be it: ', ...sectionRef(input.nearest)] });
  if (input.owner) {
    blocks.push({ kind: 'text', text: `Shall I ask the process owner, ${input.owner}? Their answer will come back to you here.` });
    blocks.push({ kind: 'actions', buttons: [{ action: id(ACTIONS.askOwner), label: `Ask ${input.owner}`, value: input.gapId, style: 'primary' }] });
  } else {
    blocks.push({ kind: 'text', text: 'I have noted the question as a gap in the documents.' });
  }
  return { summary: `I don't know the answer to "${quoted(input.question)}".`, blocks };
}

/** Replies to a question that cannot be searched. */
export function problemMessage(problem: QuestionProblem, channel: ChannelKind, length = 0): Message {
  const ask = askCommand(channel);
  switch (problem) {
    case 'empty':
      return textMessage(['Ask me how something is done here, for example ', { code: `${ask} how do I raise an emergency change?` }, '.']);
    case 'too_long':
      return textMessage(
        `That is ${length.toLocaleString('en-GB')} characters: please ask one question in ${LIMITS.question.toLocaleString('en-GB')} characters or fewer.`,
      );
    case 'no_words':
      return textMessage(['There are no words in that for me to look up. Ask in words, for example ', { code: `${ask} who approves a normal change?` }, '.']);
    case 'other_language':
      return textMessage('I can only answer questions asked in English, because the process documents are written in English. Please ask again in English.');
  }
}

/** The question had only filler words ("how do I?"). */
export function tooVagueMessage(channel: ChannelKind): Message {
  return textMessage(['Tell me a little more: what is it about? For example ', { code: `${askCommand(channel)} how long does a P2 incident have to be resolved?` }, '.']);
}

/** The docs folder holds nothing to answer from. */
export const NOTHING_TO_ANSWER_FROM = textMessage(
  'There are no process documents for me to answer from yet. Once process documents (Markdown) are in the documents folder, ask me again.',
);

/** The asker sent the gap on. */
export function ownerAskedMessage(owner: string): Message {
  return textMessage(`I have asked ${owner}. Their answer will come to you here.`);
}

export const TEXT = {
  alreadyAsked: (owner: string) => `${owner} has the question already; their answer will come to you here.`,
  noOwner: 'Nobody is named as the owner of that process, so I cannot pass the question on. It is logged as a gap.',
  notYours: 'Only the person who asked can do that.',
  thanks: 'Thanks: noted that the answer helped.',
  alreadyRated: 'You have rated that answer already.',
  gapsRefused: 'Only process owners can see the documentation gaps.',
  answerNotAllowed: (owner: string) => `Only ${owner} (the owner it was sent to) or another process owner can answer this question.`,
  alreadyAnswered: 'That question has been answered already.',
  answerSent: (asker: string) => `Thanks: your answer went to ${asker}, and the gap is closed as answered. Consider adding it to the process document too.`,
  answerEmpty: 'Write an answer for the person who asked.',
  answerTooLong: (max: number) => `Keep the answer to ${max} characters or fewer; link to a document for more.`,
};

/** "Not helpful": sorry, logged as a gap, and the offer to ask the owner. */
export function unhelpfulMessage(gapId: string, owner: string | undefined): Message {
  const blocks: Block[] = [{ kind: 'text', text: 'Sorry that did not help. I have logged it as a gap in the documents.' }];
  if (owner) {
    blocks.push({ kind: 'text', text: `Shall I ask the process owner, ${owner}?` });
    blocks.push({ kind: 'actions', buttons: [{ action: id(ACTIONS.askOwner), label: `Ask ${owner}`, value: gapId, style: 'primary' }] });
  }
  return { summary: 'Sorry that did not help; logged as a documentation gap.', blocks };
}

const REASONS: Record<KnowledgeGap['reason'], string> = {
  no_answer: 'nothing in the documents matched',
  low_score: 'only a weak match in the documents',
  unhelpful: 'the answer did not help',
};

/** The owner's card: the question, who asked, why it is a gap, and the Answer button. */
export function ownerCard(gap: KnowledgeGap): Message {
  return {
    summary: `${gap.askedBy.name} asked a question the process documents could not answer: "${quoted(gap.question)}"`,
    blocks: [
      { kind: 'heading', text: 'A question for you as process owner' },
      { kind: 'text', text: [{ bold: gap.askedBy.name }, ' asked: ', { italic: quoted(gap.question, 1000) }] },
      { kind: 'context', text: `Why it came to you: ${REASONS[gap.reason]}. Your answer goes back to ${gap.askedBy.name}.` },
      { kind: 'actions', buttons: [{ action: id(ACTIONS.answer), label: 'Answer', value: gap.id, style: 'primary' }] },
    ],
  };
}

/** The owner's answer form. */
export function answerForm(gap: KnowledgeGap, values?: Record<string, string>, errors?: Record<string, string>): Message {
  return {
    summary: `Answer ${gap.askedBy.name}'s question`,
    blocks: [],
    form: {
      id: id(FORMS.answer),
      title: 'Answer the question',
      intro: [{ bold: gap.askedBy.name }, ' asked: ', { italic: quoted(gap.question, 500) }],
      inputs: [{ kind: 'text', name: 'answer', label: 'Your answer', multiline: true, required: true, maxLength: LIMITS.ownerAnswer, hint: 'It goes to the person who asked, with your name.' }],
      submitLabel: 'Send answer',
      cancelLabel: 'Cancel',
      state: gap.id,
      ...(values ? { values } : {}),
      ...(errors ? { errors } : {}),
    },
  };
}

/** The owner's answer, delivered to the asker. */
export function answerToAskerMessage(gap: KnowledgeGap, owner: string, answer: string): Message {
  return {
    summary: `${owner} answered your question "${quoted(gap.question)}": ${quoted(answer, 500)}`,
    blocks: [
      { kind: 'heading', text: 'An answer to your question' },
      { kind: 'context', text: ['You asked: ', { italic: quoted(gap.question, 500) }] },
      { kind: 'text', text: answer },
      { kind: 'context', text: `Answered by ${owner}, process owner.` },
    ],
  };
}

/** `gaps`: the open documentation gaps, those sent to the viewer with an Answer button. */
export function gapsMessage(gaps: readonly KnowledgeGap[], total: number, viewerId: string, timeZone: string): Message {
  if (gaps.length === 0) return textMessage('There are no open documentation gaps: every question asked was answered.');
  const lines: Span[] = [];
  for (const gap of gaps) {
    if (lines.length > 0) lines.push('\n');
    const routed = gap.routedTo ? (gap.routedTo.id === viewerId ? 'you' : gap.routedTo.name) : 'nobody';
    lines.push('- ', { italic: quoted(gap.question, 160) }, ` — ${gap.askedBy.name}, ${localIsoDate(gap.createdAt, timeZone)}; ${REASONS[gap.reason]}; for ${routed}`);
  }
  const mine = gaps.filter((gap) => gap.routedTo?.id === viewerId).slice(0, LIMITS.gapButtons);
  const blocks: Block[] = [
    { kind: 'heading', text: `Open documentation gaps (${total})` },
    { kind: 'text', text: lines },
  ];
  if (total > gaps.length) blocks.push({ kind: 'context', text: `The ${gaps.length} newest of ${total} are shown.` });
  if (mine.length > 0) {
    blocks.push({
      kind: 'actions',
      buttons: mine.map((gap) => ({ action: id(ACTIONS.answer), label: `Answer: ${quoted(gap.question, 40)}`, value: gap.id })),
    });
  }
  return { summary: `${total} open documentation gap${total === 1 ? '' : 's'}`, blocks };
}
