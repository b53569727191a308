// jest-worker starts its workers with FORCE_COLOR=1 when jest's own output can show colour (a
// terminal, a CI whose log renders ANSI), and the CLI honours FORCE_COLOR (src/cli/colour.ts): every
// text report a test compares would be coloured there and not elsewhere. Tests that want colour set
// it themselves. Removed from this process's env, it is gone from the CLIs a test spawns too.
delete process.env.FORCE_COLOR;
