// Node module hook for tests: writes every resolved module URL to the file in AIS_GUARD_TRACE.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.AIS_GUARD_TRACE, result.url + '\\n');
  return result;
}`),
);
