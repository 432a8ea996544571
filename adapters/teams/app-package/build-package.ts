import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { flows } from '../../../flows';
import type { CommandSpec } from '../../../src/engine/flow';
import { zipFiles } from './zip-file';

/**
 * Builds the Teams app package: `manifest.json` with the bot's app id filled in and its command list taken from
 * the flows' registry (so Teams suggests exactly the commands the bot answers), plus the two icons, zipped for
 * upload in Teams (Apps → Manage your apps → Upload an app) or the Teams admin center.
 *
 *   MICROSOFT_APP_ID=<guid> npm run package:teams [-- --out dist/teams-app-package.zip]
 */

/** The folder holding the manifest template and the icons. */
export const APP_PACKAGE_DIR = __dirname;
/** The placeholder the template uses for the Azure Bot's app id (the bot id and the app id alike). */
export const APP_ID_PLACEHOLDER = '{{MICROSOFT_APP_ID}}';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Teams' limits for a bot's command list. */
const MAX_COMMANDS = 10;
const MAX_TITLE_CHARS = 32;
const MAX_DESCRIPTION_CHARS = 128;

/** A command as the manifest lists it. */
export interface ManifestCommand {
  title: string;
  description: string;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The commands Teams suggests: fixed command words only (a record-number pattern is no word to pick), at most ten. */
export function manifestCommands(commands: readonly CommandSpec[]): ManifestCommand[] {
  const seen = new Set<string>();
  return commands
    .filter((spec) => !spec.pattern && !seen.has(spec.name) && seen.add(spec.name))
    .slice(0, MAX_COMMANDS)
    .map((spec) => ({ title: cut(spec.name, MAX_TITLE_CHARS), description: cut(spec.description, MAX_DESCRIPTION_CHARS) }));
}

/** The manifest for one app id, with the command list from `commands`. */
export function buildManifest(appId: string, commands: readonly CommandSpec[] = flows.flatMap((flow) => flow.commands)): Record<string, unknown> {
  if (!GUID.test(appId)) throw new Error(`the Teams app id must be the Azure Bot's Microsoft App ID, a GUID (got "${appId}")`);
  const template = readFileSync(join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(template.split(APP_ID_PLACEHOLDER).join(appId)) as {
    bots: Array<{ commandLists: Array<{ commands: ManifestCommand[] }> }>;
  };
  for (const bot of manifest.bots) for (const list of bot.commandLists) list.commands = manifestCommands(commands);
  return manifest as unknown as Record<string, unknown>;
}

/** The zipped package: manifest.json, color.png and outline.png at the top level, as Teams expects. */
export function buildTeamsAppPackage(appId: string, commands?: readonly CommandSpec[]): Buffer {
  const manifest = buildManifest(appId, commands);
  return zipFiles([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: 'color.png', data: readFileSync(join(APP_PACKAGE_DIR, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(APP_PACKAGE_DIR, 'outline.png')) },
  ]);
}

/** The command line: reads the app id from `--app-id` or MICROSOFT_APP_ID and writes the zip. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const appId = (option('--app-id') ?? env.MICROSOFT_APP_ID ?? '').trim();
  if (!appId) throw new Error('set MICROSOFT_APP_ID (or pass --app-id <guid>): the package names the Azure Bot it talks to');
  const out = resolve(option('--out') ?? join('dist', 'teams-app-package.zip'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buildTeamsAppPackage(appId));
  return out;
}

if (require.main === module) {
  try {
    const out = main(process.argv.slice(2), process.env);
    console.log(`Teams app package written to ${out}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
