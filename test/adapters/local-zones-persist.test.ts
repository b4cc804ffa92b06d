import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalZones } from '../../functions/adapters/local/local-zones.ts';

const ZONE = 'local.test';
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'certwright-zones-persist-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const namesOnDisk = (filePath: string): string[] =>
  (JSON.parse(readFileSync(filePath, 'utf8')) as { records: Array<{ name: string }> }).records.map(
    (record) => record.name,
  );

describe('LocalZones writes', () => {
  it('resolves each of many concurrent changes only once the file holds it', async () => {
    const filePath = join(directory, 'concurrent.json');
    const zones = new LocalZones([ZONE], filePath);
    const names = Array.from({ length: 40 }, (_, index) => `_n${index}.${ZONE}`);
    const onDiskWhenResolved = await Promise.all(
      names.map((name) =>
        zones.upsertCname(name, 'target.validations.test').then(() => namesOnDisk(filePath)),
      ),
    );
    onDiskWhenResolved.forEach((onDisk, index) => {
      expect(onDisk).toContain(names[index]);
    });
    expect(namesOnDisk(filePath).sort()).toEqual([...names].sort());
    expect(new LocalZones([ZONE], filePath).lookup(names[39] as string).records).toHaveLength(1);
  });

  it('writes a change made while a write is under way, and removals too', async () => {
    const filePath = join(directory, 'during.json');
    const zones = new LocalZones([ZONE], filePath);
    const first = zones.upsertCname(`_first.${ZONE}`, 'a.validations.test');
    await Promise.resolve();
    const second = zones.upsertCname(`_second.${ZONE}`, 'b.validations.test');
    const removal = first.then(() => zones.remove(`_first.${ZONE}`, 'CNAME'));
    await Promise.all([first, second, removal]);
    expect(namesOnDisk(filePath)).toEqual([`_second.${ZONE}`]);
  });

  it('rejects the changes of a failed write and writes later ones', async () => {
    const blocked = join(directory, 'blocked');
    await writeFile(blocked, 'a file where the directory should be');
    const zones = new LocalZones([ZONE], join(blocked, 'zones.json'));
    await expect(zones.upsertCname(`_x.${ZONE}`, 'x.validations.test')).rejects.toThrow();
    await rm(blocked);
    await zones.upsertCname(`_y.${ZONE}`, 'y.validations.test');
    expect(namesOnDisk(join(blocked, 'zones.json')).sort()).toEqual([`_x.${ZONE}`, `_y.${ZONE}`]);
  });
});
