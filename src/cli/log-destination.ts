// Where `serve` writes its log: pino's own synchronous destination (sonic-boom: it retries a full
// pipe), with the lines of one event-loop turn gathered into one write. Under load the reviews
// answered in one turn each logged a line with its own write(2), and those syscalls were the larger
// part of a judged review's logging cost; now a turn's lines cost one.
//
// Nothing waits longer than the turn: the lines go out when the turn's I/O callbacks are done
// (setImmediate), before any timer or the next poll. On exit, and before an uncaught exception ends
// the process, what is gathered is written synchronously.
import { pino } from 'pino';

export interface LogDestination {
  write(line: string): void;
  /** Writes what is gathered now (pino's logger.flush() calls it). */
  flush(done?: (err?: Error) => void): void;
}

/** Every destination's write-out, run on exit: one process listener however many servers run. */
const writeOuts = new Set<() => void>();
const writeAll = () => writeOuts.forEach((writeOut) => writeOut());
process.on('exit', writeAll);
process.on('uncaughtExceptionMonitor', writeAll);

export function turnBatchedDestination(fd: number): LogDestination {
  const sink = pino.destination({ dest: fd, sync: true });
  let gathered = '';
  const writeOut = () => {
    if (gathered === '') return;
    const text = gathered;
    gathered = '';
    sink.write(text);
  };
  writeOuts.add(writeOut);
  return {
    write(line) {
      if (gathered === '') setImmediate(writeOut);
      gathered += line;
    },
    flush(done) {
      writeOut();
      done?.();
    },
  };
}
