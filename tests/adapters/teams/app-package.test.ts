import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { buildManifest, buildTeamsAppPackage, main, manifestCommands } from '../../../adapters/teams/app-package/build-package';
import { flows } from '../../../flows';

const APP_ID = '5f0c6a8e-1d2b-4c3a-9e8f-7a6b5c4d3e2f';

/** Reads a ZIP archive from its central directory, checking each entry's CRC (independent of the writer). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let index = 0; index < count; index += 1) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(crc32(data) >>> 0).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('Teams app package', () => {
  it('zips the manifest with the app id and both icons at the sizes Teams requires', () => {
    const files = unzip(buildTeamsAppPackage(APP_ID));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({ manifestVersion: '1.17', id: APP_ID, icons: { color: 'color.png', outline: 'outline.png' } });
    expect(manifest.bots).toEqual([expect.objectContaining({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] })]);
    expect(JSON.stringify(manifest)).not.toContain('{{');
    expect(pngSize(files.get('color.png')!)).toEqual({ width: 192, height: 192 });
    expect(pngSize(files.get('outline.png')!)).toEqual({ width: 32, height: 32 });
  });

  it('lists exactly the commands the flows answer, within Teams’ limits', () => {
    const registered = flows.flatMap((flow) => flow.commands).filter((spec) => !spec.pattern);
    const manifest = buildManifest(APP_ID) as { bots: Array<{ commandLists: Array<{ commands: Array<{ title: string }> }> }> };
    expect(manifest.bots[0]!.commandLists[0]!.commands.map((command) => command.title)).toEqual(registered.slice(0, 10).map((spec) => spec.name));
    const many = Array.from({ length: 15 }, (_, i) => ({ name: `command-${i}-with-a-rather-long-name`, usage: 'x', description: 'd'.repeat(200) }));
    const listed = manifestCommands([...many, { name: 'INC', pattern: /^INC-\d+$/, usage: 'INC-000123', description: 'look up' }]);
    expect(listed).toHaveLength(10);
    expect(listed.every((command) => command.title.length <= 32 && command.description.length <= 128)).toBe(true);
  });

  it('never advertises a command in the committed manifest that the bot does not answer', () => {
    const template = JSON.parse(readFileSync(join(__dirname, '../../../adapters/teams/app-package/manifest.json'), 'utf8'));
    const names = new Set(flows.flatMap((flow) => flow.commands.map((spec) => spec.name)));
    for (const command of template.bots[0].commandLists[0].commands) expect(names.has(command.title)).toBe(true);
  });

  it('refuses an app id that is not a GUID, and writes the zip where asked', () => {
    expect(() => buildManifest('my-bot')).toThrow('a GUID');
    expect(() => main([], {})).toThrow('set MICROSOFT_APP_ID');
    const dir = mkdtempSync(join(tmpdir(), 'teams-package-'));
    try {
      const out = main(['--out', join(dir, 'app.zip')], { MICROSOFT_APP_ID: APP_ID });
      expect(unzip(readFileSync(out)).has('manifest.json')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
