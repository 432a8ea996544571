import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { excerpt, markdownSpans } from '../../flows/process-questions/answer-text';
import { decide } from '../../flows/process-questions/confidence';
import { glossary } from '../../flows/process-questions/glossary';
import { loadKnowledgeIndex } from '../../flows/process-questions/knowledge-index';
import { githubAnchor, parseMarkdownDocument } from '../../flows/process-questions/markdown-sections';
import { questionIntentScore } from '../../flows/process-questions/question-intent';
import { questionProblem } from '../../flows/process-questions/question-checks';
import { buildQuery } from '../../flows/process-questions/query';
import { coverageIn } from '../../flows/process-questions/rerank';
import { planSearch } from '../../flows/process-questions/search-plan';
import { stem, termsOf } from '../../flows/process-questions/terms';
import { createVocabulary, editDistance } from '../../flows/process-questions/vocabulary';
import { reportIncidentFlow } from '../../flows/report-incident';
import { exampleOrg, recordingLogger } from '../support/harness';
import { MINI_PACK, miniIndex } from './process-questions.support';

const everyone = { teams: [] };

describe('process documents: parsing', () => {
  it('reads front matter and splits ## and ### sections with GitHub anchors', () => {
    const parsed = parseMarkdownDocument(
      'change.md',
      "---\ntitle: Change\nurl: https://intranet.example/change\nowner: lukas-becker\niso20000: '8.5.1'\nversion: 2\nupdated: 2026-01-15\n---\n# Change\n\n## Who approves? (CAB & ECAB)\ntext one\n### Lead times\ntext two\n```\n## not a heading\n```\n## Who approves? (CAB & ECAB)\nagain\n",
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.info).toEqual({ file: 'change.md', title: 'Change', url: 'https://intranet.example/change', owner: 'lukas-becker', iso20000: '8.5.1', version: '2', updated: '2026-01-15', audience: [] });
    expect(parsed.sections.map((s) => [s.anchor, s.heading, s.parent])).toEqual([
      ['who-approves-cab--ecab', 'Who approves? (CAB & ECAB)', undefined],
      ['lead-times', 'Lead times', 'Who approves? (CAB & ECAB)'],
      ['who-approves-cab--ecab-1', 'Who approves? (CAB & ECAB)', undefined],
    ]);
    expect(parsed.sections[1]!.body).toContain('## not a heading');
  });

  it('takes the first # heading as the title without front matter, and skips broken or headless files', () => {
    expect(githubAnchor('Raising an **emergency** change!')).toBe('raising-an-emergency-change');
    const plain = parseMarkdownDocument('a.md', '# Access\n\nIntro words.\n\n## Leavers\nGone.');
    expect(plain.ok && plain.info.title).toBe('Access');
    expect(plain.ok && plain.sections.map((s) => s.anchor)).toEqual(['access', 'leavers']);
    expect(parseMarkdownDocument('b.md', '---\ntitle: [x\n---\n# B\n## C\nd')).toMatchObject({ ok: false, reason: expect.stringContaining('not valid YAML') });
    expect(parseMarkdownDocument('c.md', '---\ntitle: x\n# B\n## C\nd')).toMatchObject({ ok: false, reason: 'its front matter has no closing ---' });
    expect(parseMarkdownDocument('d.md', 'no headings here')).toEqual({ ok: false, reason: 'it has no headings' });
  });

  it('indexes the rest of a folder and warns about each skipped file by name', () => {
    const logger = recordingLogger();
    const index = loadKnowledgeIndex(MINI_PACK, logger);
    expect(index.documents.map((d) => d.file).sort()).toEqual(['change.md', 'incidents.md', 'security/firewall-runbook.md']);
    expect(index.skipped.map((s) => s.file).sort()).toEqual(['broken.md', 'notes.md']);
    const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.msg);
    expect(warnings).toEqual(expect.arrayContaining([expect.stringContaining('broken.md'), expect.stringContaining('notes.md')]));
  });

  it('is empty, with a warning, for an empty or missing folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowledge-empty-'));
    try {
      expect(loadKnowledgeIndex(dir, recordingLogger()).sections).toHaveLength(0);
      const logger = recordingLogger();
      expect(loadKnowledgeIndex(join(dir, 'missing'), logger).sections).toHaveLength(0);
      expect(logger.lines.some((line) => line.level === 'warn')).toBe(true);
      expect(decide(loadKnowledgeIndex(dir, recordingLogger()), 'how do I raise a change?', everyone)).toEqual({ kind: 'no_documents' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('process documents: search', () => {
  const index = miniIndex();

  it('finds the section a question is about, citing file.md#anchor', () => {
    expect(index.search('how do I raise an emergency change?', everyone)[0]?.section.key).toBe('change.md#emergency-changes');
    expect(index.search('how long do we have to fix a P1?', everyone)[0]?.section.key).toBe('incidents.md#priorities-and-targets');
  });

  it('expands abbreviations and synonyms through the glossary, and folds US spellings', () => {
    const expanded = glossary.expand('who approves an RFC?').map((t) => t.term);
    expect(expanded).toEqual(expect.arrayContaining(['approv', 'rfc', 'authoris', 'chang']));
    expect(termsOf('Who can authorize it?')).toEqual(termsOf('who can authorise it'));
    expect(index.search('who authorizes an ECAB?', everyone)[0]?.section.key).toBe('change.md#emergency-changes');
    expect(stem('approvals')).toBe(stem('approved'));
  });

  it('tolerates typos (fuzzy) and word beginnings (prefix)', () => {
    expect(index.search('emergncy chnage', everyone)[0]?.section.key).toBe('change.md#emergency-changes');
  });

  it('corrects a typo only to a known word one or two edits away, and never a short word', () => {
    const vocabulary = createVocabulary([new Set(['password', 'chang', 'incid']), new Set(['password'])]);
    expect(editDistance('chnag', 'chang', 2)).toBe(1);
    expect(vocabulary.correct('pasword')).toBe('password');
    expect(vocabulary.correct('chnag')).toBe('chang');
    expect(vocabulary.correct('lunch')).toBeNull();
    expect(vocabulary.correct('pass')).toBeNull();
    expect(vocabulary.rarity(['password'])).toBeLessThan(vocabulary.rarity(['chang']));
  });

  it('counts a glossary phrase as found only when the section has all of its words', () => {
    const vocabulary = createVocabulary([new Set(['high', 'priority']), new Set(['high'])]);
    const [p2] = buildQuery('p2?', vocabulary, glossary).concepts;
    expect(coverageIn([p2!], new Set(['high', 'priority']))).toBeGreaterThan(0);
    expect(coverageIn([p2!], new Set(['high']))).toBe(0);
  });

  it('searches the rarest terms everywhere within the budget, common ones in headings only, and always one', () => {
    const df: Record<string, number> = { firewall: 40, port: 300, chang: 6000, servic: 8000 };
    const inHeadings: Record<string, number> = { firewall: 5, port: 20, chang: 400, servic: 900 };
    const costs = { sections: 10_000, everywhere: (t: string) => df[t] ?? 0, inHeadings: (t: string) => inHeadings[t] ?? 0 };
    const terms = new Map([['firewall', 1], ['port', 1], ['chang', 1], ['servic', 0.4]]);
    expect(planSearch(terms, costs, { everywhere: 1000, headings: 500 })).toEqual({ everywhere: ['firewall', 'port'], headingsOnly: ['chang'] });
    expect(planSearch(new Map([['servic', 1]]), costs, { everywhere: 1000, headings: 500 })).toEqual({ everywhere: [], headingsOnly: ['servic'] });
    // A pack the size of the shipped one is searched exactly as asked.
    const small = { sections: 100, everywhere: () => 60, inHeadings: () => 10 };
    expect(planSearch(terms, small).everywhere.sort()).toEqual(['chang', 'firewall', 'port', 'servic']);
  });

  it('never returns a document restricted to a team the reader is not in', () => {
    const outsider = index.search('open a firewall port', everyone);
    expect(outsider.some((hit) => hit.section.doc.file.includes('firewall'))).toBe(false);
    const member = index.search('open a firewall port', { teams: ['network-security'] });
    expect(member[0]?.section.key).toBe('security/firewall-runbook.md#opening-a-firewall-port');
  });

  it('refuses off-topic questions through the confidence gate', () => {
    const decision = decide(index, "what's on the lunch menu today?", everyone);
    expect(decision.kind === 'judged' && decision.judgement.confident).toBe(false);
    const good = decide(index, 'who approves a normal change?', everyone);
    expect(good.kind === 'judged' && good.judgement.confident && good.judgement.best?.section.key).toBe('change.md#who-approves-a-normal-change');
  });
});

describe('process questions: reading the words', () => {
  it.each([
    ['how do I raise an emergency change?', 0.8],
    ["what's the process for a new starter", 0.8],
    ['who approves firewall changes?', 0.8],
    ['explain standard changes', 0.7],
    ['CAB meets when?', 0.6],
  ])('reads "%s" as a question', (text, score) => {
    expect(questionIntentScore(text, exampleOrg())).toBeGreaterThanOrEqual(score);
  });

  it.each(['the VPN is down', "can't log in to payroll?", 'is the VPN down?', 'printer broken?'])('leaves the fault "%s" to the incident flow', (text) => {
    expect(questionIntentScore(text, exampleOrg())).toBeLessThan(reportIncidentFlow.matchText!(text, { org: exampleOrg() }));
  });

  it('names what is wrong with a question that cannot be searched', () => {
    expect(questionProblem('   ')).toBe('empty');
    expect(questionProblem('x'.repeat(10_000))).toBe('too_long');
    expect(questionProblem('?!… 🎉🎉')).toBe('no_words');
    expect(questionProblem('wie beantrage ich einen Change?')).toBe('other_language');
    expect(questionProblem('¿cuál es la contraseña del wifi?')).toBe('other_language');
    expect(questionProblem('Как подать заявку?')).toBe('other_language');
    expect(questionProblem('how do I raise a change in Berlin?')).toBeNull();
  });
});

describe('answer text', () => {
  it('keeps whole list items and stops before the limit', () => {
    const body = 'Intro paragraph.\n\n- first item\n- second item that is long\n- third\n\nClosing words.';
    expect(excerpt(body, 1000)).toEqual({ text: 'Intro paragraph.\n\n- first item\n- second item that is long\n- third\n\nClosing words.', cut: false });
    expect(excerpt(body, 45)).toEqual({ text: 'Intro paragraph.\n\n- first item', cut: true });
  });

  it('turns tables into lines and inline Markdown into spans, links only when http(s)', () => {
    expect(excerpt('| Risk | Lead |\n|---|---|\n| Low | 2 days |', 100).text).toBe('- Risk · Lead\n- Low · 2 days');
    expect(markdownSpans('Use **chat**, `change` or [the form](https://x.example/f); not [this](javascript:alert).')).toEqual([
      'Use ',
      { bold: 'chat' },
      ', ',
      { code: 'change' },
      ' or ',
      { link: 'https://x.example/f', text: 'the form' },
      '; not ',
      'this',
      '.',
    ]);
  });
});
