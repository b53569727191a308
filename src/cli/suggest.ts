// "Did you mean": the names a mistyped command or flag was probably meant as, the way kubectl and helm
// (Cobra) pick them: within two edits, case aside, or names the typed word begins. Unlike Cobra, a
// short word may be only half wrong ("pla" is one edit from plan, not two from pin and plan alike), so
// `-o`-length typos are not answered with every short name.

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

const bare = (word: string) => word.toLowerCase().replace(/^-+/, '');

/**
 * The candidates `typed` was likely meant as, nearest first (ties in the given order), at most three:
 * those it begins, and the nearest within two edits.
 */
export function closest(typed: string, candidates: readonly string[]): string[] {
  const word = bare(typed);
  if (word === '') return [];
  const scored = candidates.map((name) => ({ name, distance: editDistance(word, bare(name)) }));
  // Only the nearest of the near ones: "--nodez" is one edit from --nodes and two from --mode.
  const nearest = Math.min(2, Math.floor(word.length / 2), ...scored.map((c) => c.distance));
  return scored
    .filter(({ name, distance }) => distance <= nearest || bare(name).startsWith(word))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ name }) => name);
}

/** ` (did you mean "a" or "b"?)`, or nothing; `quote` wraps each name. */
export function didYouMean(names: string[], quote = (n: string) => `"${n}"`): string {
  if (names.length === 0) return '';
  const listed = names.map(quote);
  const last = listed.pop()!;
  return ` (did you mean ${listed.length ? `${listed.join(', ')} or ` : ''}${last}?)`;
}
