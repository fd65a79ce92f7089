/** Helpers of the fake API server: JSON merge patch (RFC 7386) and equality label selectors. */

/** Applies a JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Matches `a=b,c!=d,e,!f` selectors against labels. */
export function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .every((term) => {
      const ne = term.split('!=');
      if (ne.length === 2) return labels[ne[0]!] !== ne[1];
      const eq = term.split(/==?/);
      if (eq.length === 2) return labels[eq[0]!] === eq[1];
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
}
