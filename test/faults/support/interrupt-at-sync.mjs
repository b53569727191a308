// Loaded with `node --import` into a `check --fix --write` run, it sends the process the signal
// named by AIS_GUARD_TEST_SIGNAL (SIGINT unless set: a user's Ctrl-C, or a CI runner cancelling the
// job; SIGHUP a dropped terminal, SIGQUIT Ctrl-\) when the first staged file is synced: at that
// moment a temporary file exists beside its target. The sync then goes on as usual.
import { open } from 'node:fs/promises';

const signal = process.env.AIS_GUARD_TEST_SIGNAL || 'SIGINT';
const probe = await open(process.execPath, 'r');
const proto = Object.getPrototypeOf(probe);
await probe.close();
const sync = proto.sync;
let sent = false;
proto.sync = async function () {
  if (!sent) {
    sent = true;
    process.kill(process.pid, signal);
  }
  return sync.call(this);
};
