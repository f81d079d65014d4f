// A child process for the kill test: starts saving a big model to argv[2] (as argv[3]: json or
// safetensors), and once half the bytes are in the temp file, says so on stdout and waits to be killed.

import { open } from 'node:fs/promises';
import { Linear } from '@chainrule/nn';
import { saveSafetensors, saveStateDict } from '@chainrule/nn/node';

const [path, format] = process.argv.slice(2) as [string, string];
// every file handle shares this prototype: its writeFile now stops half-way, where a kill finds it
const probe = await open(process.execPath, 'r');
const proto = Object.getPrototypeOf(probe) as { writeFile(data: Uint8Array): Promise<void> };
await probe.close();
const writeFile = proto.writeFile;
proto.writeFile = async function (this: unknown, data: Uint8Array) {
  await writeFile.call(this, data.subarray(0, data.length >> 1));
  process.stdout.write('half written\n');
  await new Promise(() => {});
};

const model = new Linear(200, 100, { seed: 3 });
await (format === 'json' ? saveStateDict(model, path) : saveSafetensors(model, path));
