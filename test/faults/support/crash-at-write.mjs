// Loaded with `node --import` into a `check --fix --write` run: a power cut at a chosen moment of
// the file write. AIS_GUARD_CRASH_AT=write:N writes the first N bytes of the first file write,
// then the process is SIGKILLed; rename:before / rename:after kill it around the rename.
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const [stage, arg] = (process.env.AIS_GUARD_CRASH_AT ?? '').split(':');
const die = () => {
  process.kill(process.pid, 'SIGKILL');
  return new Promise(() => {});
};

if (stage === 'write') {
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe);
  await probe.close();
  proto.writeFile = async function (data) {
    const bytes = Buffer.from(data);
    await this.write(bytes, 0, Math.min(Number(arg), bytes.length), null);
    await this.sync();
    return die();
  };
}
if (stage === 'rename') {
  const rename = fs.promises.rename;
  fs.promises.rename = async (from, to) => {
    if (arg === 'before') return die();
    await rename(from, to);
    return die();
  };
  syncBuiltinESMExports();
}
