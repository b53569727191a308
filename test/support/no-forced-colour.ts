// jest-worker starts its workers with FORCE_COLOR=1 when jest's own output can show colour (a
// terminal, a CI whose log renders ANSI), and the CLI honours FORCE_COLOR (src/cli/colour.ts): every
// text report a test compares would be coloured there and not elsewhere. Tests that want colour set
// it themselves. (A child process spawned without an env of its own still inherits the worker's.)
delete process.env.FORCE_COLOR;
