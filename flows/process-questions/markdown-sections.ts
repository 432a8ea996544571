/**
 * A process document as the index sees it: YAML front matter (title, url, owner, iso20000, version, updated,
 * audience) and one retrievable section per `##`/`###` heading, named by its GitHub-style anchor so a citation
 * lands on the heading (`change.md#emergency-changes`). Pure: text in, document or a reason to skip it out.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Front matter as written: every field optional; scalars YAML reads as numbers or dates are taken as text. */
const scalar = z.union([z.string(), z.number(), z.date()]).transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)).trim());
const frontMatterSchema = z
  .object({
    title: scalar.optional(),
    url: z.string().trim().optional(),
    owner: scalar.optional(),
    iso20000: scalar.optional(),
    version: scalar.optional(),
    updated: scalar.optional(),
    /** Team ids from the organisation file: only their members are answered from this document. */
    audience: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .loose();

/** A process document's facts, for citations and for who may read it. */
export interface DocumentInfo {
  /** Path relative to the docs folder, with `/` separators: `change.md`, `security/access.md`. */
  file: string;
  title: string;
  /** Where the document lives (an http(s) address), when the front matter says. */
  url?: string;
  owner?: string;
  iso20000?: string;
  version?: string;
  updated?: string;
  /** Team ids; empty means everyone. */
  audience: string[];
}

/** One `##`/`###` section (or the text under the title before the first one). */
export interface ParsedSection {
  anchor: string;
  heading: string;
  /** The `##` heading above a `###` one. */
  parent?: string;
  /** The section's Markdown, headings of deeper levels included. */
  body: string;
}

/** A parsed document, or why it was skipped. */
export type ParseResult = { ok: true; info: DocumentInfo; sections: ParsedSection[] } | { ok: false; reason: string };

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens; repeats get `-1`, `-2`… */
export function githubAnchor(heading: string, seen?: Map<string, number>): string {
  const base = plainHeading(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
  if (!seen) return base;
  const count = seen.get(base) ?? 0;
  seen.set(base, count + 1);
  return count === 0 ? base : `${base}-${count}`;
}

/** A heading's text without inline Markdown (emphasis, code, links). */
export function plainHeading(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]/g, '')
    .replace(/\s+#+\s*$/, '')
    .trim();
}

function splitFrontMatter(text: string): { yaml: string | null; body: string } | { error: string } {
  if (!/^---\r?\n/.test(text)) return { yaml: null, body: text };
  const end = /\r?\n(---|\.\.\.)[ \t]*(\r?\n|$)/.exec(text.slice(3));
  if (!end) return { error: 'its front matter has no closing ---' };
  return { yaml: text.slice(text.indexOf('\n') + 1, 3 + end.index), body: text.slice(3 + end.index + end[0].length) };
}

function readFrontMatter(yaml: string | null): z.output<typeof frontMatterSchema> | { error: string } {
  if (yaml === null || yaml.trim() === '') return {};
  let data: unknown;
  try {
    data = parseYaml(yaml);
  } catch (error) {
    return { error: `its front matter is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  if (data === null || data === undefined) return {};
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `its front matter is not valid (${issue.path.join('.') || 'front matter'}: ${issue.message})` };
  }
  return parsed.data;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*$/;
const FENCE = /^\s{0,3}(```|~~~)/;

/** Parses one Markdown file; `file` is its path relative to the docs folder. */
export function parseMarkdownDocument(file: string, text: string): ParseResult {
  const split = splitFrontMatter(text.replace(/^\uFEFF/, ''));
  if ('error' in split) return { ok: false, reason: split.error };
  const front = readFrontMatter(split.yaml);
  if ('error' in front) return { ok: false, reason: front.error as string };

  const seen = new Map<string, number>();
  const sections: ParsedSection[] = [];
  let title: string | undefined;
  let titleAnchor = '';
  let current: ParsedSection | null = null;
  const intro: string[] = [];
  let parent: string | undefined;
  let headings = 0;
  let inFence = false;

  for (const line of split.body.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const match = inFence ? null : HEADING.exec(line);
    if (!match) {
      if (current) current.body += `${line}\n`;
      else intro.push(line);
      continue;
    }
    headings++;
    const level = match[1]!.length;
    const heading = plainHeading(match[2]!);
    const anchor = githubAnchor(match[2]!, seen);
    if (level === 1 && title === undefined && !current) {
      title = heading;
      titleAnchor = anchor;
      continue;
    }
    if (level === 2 || level === 3) {
      if (level === 2) parent = heading;
      current = { anchor, heading, ...(level === 3 && parent ? { parent } : {}), body: '' };
      sections.push(current);
      continue;
    }
    if (current) current.body += `${line}\n`;
    else intro.push(line);
  }
  if (headings === 0) return { ok: false, reason: 'it has no headings' };

  const info: DocumentInfo = {
    file,
    title: front.title || title || file.replace(/\.md$/i, ''),
    ...(front.url && /^https?:\/\//i.test(front.url) ? { url: front.url } : {}),
    ...(front.owner ? { owner: front.owner } : {}),
    ...(front.iso20000 ? { iso20000: front.iso20000 } : {}),
    ...(front.version ? { version: front.version } : {}),
    ...(front.updated ? { updated: front.updated } : {}),
    audience: (Array.isArray(front.audience) ? front.audience : front.audience ? [front.audience] : []).map((t) => t.trim()).filter(Boolean),
  };
  const introText = intro.join('\n').trim();
  if (introText !== '') sections.unshift({ anchor: titleAnchor, heading: info.title, body: introText });
  for (const section of sections) section.body = section.body.trim();
  return { ok: true, info, sections: sections.filter((s) => s.body !== '') };
}
