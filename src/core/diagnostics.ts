/** One problem found in a file, positioned for humans (1-based line and column). */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** A stable rule id such as `schema/required`, `yaml/DUPLICATE_KEY` or `runbook/promql`. */
  readonly rule: string;
  /** JSON Pointer of the offending value inside the document, when there is one. */
  readonly pointer?: string | undefined;
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.rule.localeCompare(b.rule),
  );
}

/** Removes diagnostics that say the same thing at the same place (Ajv with allErrors repeats itself). */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
