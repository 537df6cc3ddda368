/**
 * Train/test leakage check: finds test texts that also occur in the training texts, exactly or
 * after normalisation (case, Unicode form, punctuation, spacing). Duplicates across the boundary
 * inflate test scores; oversampling before splitting creates them by the hundred.
 */

/** Options of {@link checkLeakage}. */
export interface LeakageCheckOptions {
  /**
   * How texts are compared besides exact equality: `true` (default) uses {@link normalizeForLeakage},
   * a function supplies your own normaliser, `false` compares exact text only.
   */
  normalize?: boolean | ((text: string) => string);
  /** Emit a process warning (code `ULASAN_DATA_LEAKAGE`) when leaks are found; default true. */
  warn?: boolean;
  /** How many example pairs to keep in the report; default 5. */
  maxExamples?: number;
  /** Names of the two parts in the message; default `['train', 'test']`. */
  names?: [string, string];
}

/** One leaked test text and the training row it duplicates. */
export interface LeakageExample {
  /** Index into the test texts. */
  testIndex: number;
  /** Index of the first matching training text. */
  trainIndex: number;
  /** True when the texts are identical, false when they match only after normalisation. */
  exact: boolean;
  /** The test text. */
  text: string;
}

/** What {@link checkLeakage} found. */
export interface LeakageReport {
  /** True when at least one test text also occurs in training. */
  leaked: boolean;
  /** Number of test texts with an identical training text. */
  exactDuplicates: number;
  /** Number of test texts whose normalised form occurs in training (includes the exact ones). */
  normalizedDuplicates: number;
  /** Number of test texts checked. */
  testSize: number;
  /** `normalizedDuplicates / testSize`. */
  fraction: number;
  /** Indices of every leaked test text, ascending. */
  testIndices: number[];
  /** A few examples, for the message and for humans. */
  examples: LeakageExample[];
  /** The warning text (empty when nothing leaked). */
  message: string;
}

/**
 * The default normaliser: Unicode NFKC, lower case, every run of characters that are not letters
 * or digits replaced by one space, trimmed. `"Bagus!!  Banget"` and `"bagus banget"` compare equal.
 */
export function normalizeForLeakage(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Reports test texts that also appear in the training texts and warns loudly (a process warning
 * plus the returned report) when there are any.
 *
 * @example
 * ```ts
 * const report = checkLeakage(trainTexts, testTexts);
 * if (report.leaked) console.error(report.message);
 * ```
 */
export function checkLeakage(
  trainTexts: readonly string[],
  testTexts: readonly string[],
  options: LeakageCheckOptions = {},
): LeakageReport {
  const normalizer =
    options.normalize === false
      ? undefined
      : typeof options.normalize === 'function'
        ? options.normalize
        : normalizeForLeakage;
  const exactIndex = new Map<string, number>();
  const normalIndex = new Map<string, number>();
  trainTexts.forEach((text, i) => {
    const t = String(text);
    if (!exactIndex.has(t)) exactIndex.set(t, i);
    if (normalizer) {
      const n = normalizer(t);
      if (n !== '' && !normalIndex.has(n)) normalIndex.set(n, i);
    }
  });
  const maxExamples = options.maxExamples ?? 5;
  let exactDuplicates = 0;
  const testIndices: number[] = [];
  const examples: LeakageExample[] = [];
  testTexts.forEach((text, j) => {
    const t = String(text);
    let trainIndex = exactIndex.get(t);
    const exact = trainIndex !== undefined;
    if (exact) exactDuplicates++;
    else if (normalizer) {
      const n = normalizer(t);
      if (n !== '') trainIndex = normalIndex.get(n);
    }
    if (trainIndex === undefined) return;
    testIndices.push(j);
    if (examples.length < maxExamples) examples.push({ testIndex: j, trainIndex, exact, text: t });
  });
  const testSize = testTexts.length;
  const normalizedDuplicates = testIndices.length;
  const fraction = testSize === 0 ? 0 : normalizedDuplicates / testSize;
  const [trainName, testName] = options.names ?? ['train', 'test'];
  let message = '';
  if (normalizedDuplicates > 0) {
    const shown = examples
      .slice(0, 3)
      .map((e) => JSON.stringify(e.text.length > 60 ? `${e.text.slice(0, 57)}...` : e.text))
      .join(', ');
    message =
      `DATA LEAKAGE: ${normalizedDuplicates} of ${testSize} ${testName} texts (${(fraction * 100).toFixed(1)}%) also occur in the ${trainName} data ` +
      `(${exactDuplicates} identical, ${normalizedDuplicates - exactDuplicates} after normalising case and punctuation), e.g. ${shown}. ` +
      `Scores on this ${testName} set are inflated. Deduplicate before splitting, and resample only the training part (resampleTrainOnly).`;
    if (options.warn ?? true)
      process.emitWarning(message, { code: 'ULASAN_DATA_LEAKAGE', type: 'UlasanLeakageWarning' });
  }
  return {
    leaked: normalizedDuplicates > 0,
    exactDuplicates,
    normalizedDuplicates,
    testSize,
    fraction,
    testIndices,
    examples,
    message,
  };
}
