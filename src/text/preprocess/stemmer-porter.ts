/**
 * English stemmer: M. F. Porter's 1980 algorithm ("An algorithm for suffix stripping"),
 * reimplemented from the paper. Used when a stemmer is created with `language: 'en'`.
 */

function isConsonant(w: string, i: number): boolean {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  if (c === 'y') return i === 0 ? true : !isConsonant(w, i - 1);
  return true;
}

/** m in [C](VC)^m[V] for w[0..end). */
function measure(w: string, end: number): number {
  let n = 0;
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    while (i < end && isConsonant(w, i)) i++;
    n++;
  }
  return n;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

function endsDoubleConsonant(w: string, end: number): boolean {
  return end >= 2 && w[end - 1] === w[end - 2] && isConsonant(w, end - 1);
}

/** *o: stem ends cvc where the second c is not w, x or y. */
function cvc(w: string, end: number): boolean {
  if (end < 3) return false;
  if (!isConsonant(w, end - 3) || isConsonant(w, end - 2) || !isConsonant(w, end - 1)) return false;
  const c = w[end - 1];
  return c !== 'w' && c !== 'x' && c !== 'y';
}

/** Replaces suffix `s` by `r` when the stem before it has measure > `m`; returns whether `s` matched. */
function replaceIf(state: { w: string }, s: string, r: string, m: number): boolean {
  const w = state.w;
  if (!w.endsWith(s)) return false;
  const stemEnd = w.length - s.length;
  if (measure(w, stemEnd) > m) state.w = w.slice(0, stemEnd) + r;
  return true;
}

const STEP2: Array<[string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['abli', 'able'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
];
const STEP3: Array<[string, string]> = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];
const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
];

/**
 * Stems one lower-case English word with the Porter (1980) algorithm.
 *
 * @example
 * ```ts
 * porterStem('relational'); // → 'relat'
 * porterStem('ponies'); // → 'poni'
 * ```
 */
export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  const st = { w: word };
  // Step 1a
  if (st.w.endsWith('sses')) st.w = st.w.slice(0, -2);
  else if (st.w.endsWith('ies')) st.w = st.w.slice(0, -2);
  else if (!st.w.endsWith('ss') && st.w.endsWith('s')) st.w = st.w.slice(0, -1);
  // Step 1b
  let extra = false;
  if (st.w.endsWith('eed')) {
    if (measure(st.w, st.w.length - 3) > 0) st.w = st.w.slice(0, -1);
  } else if (st.w.endsWith('ed') && hasVowel(st.w, st.w.length - 2)) {
    st.w = st.w.slice(0, -2);
    extra = true;
  } else if (st.w.endsWith('ing') && hasVowel(st.w, st.w.length - 3)) {
    st.w = st.w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    const w = st.w;
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) st.w = `${w}e`;
    else if (endsDoubleConsonant(w, w.length) && !/[lsz]$/.test(w)) st.w = w.slice(0, -1);
    else if (measure(w, w.length) === 1 && cvc(w, w.length)) st.w = `${w}e`;
  }
  // Step 1c
  if (st.w.endsWith('y') && hasVowel(st.w, st.w.length - 1)) st.w = `${st.w.slice(0, -1)}i`;
  // Step 2
  for (const [s, r] of STEP2) if (replaceIf(st, s, r, 0)) break;
  // Step 3
  for (const [s, r] of STEP3) if (replaceIf(st, s, r, 0)) break;
  // Step 4
  for (const s of STEP4) {
    if (!st.w.endsWith(s)) continue;
    const stemEnd = st.w.length - s.length;
    if (measure(st.w, stemEnd) > 1) {
      if (s !== 'ion' || /[st]$/.test(st.w.slice(0, stemEnd))) st.w = st.w.slice(0, stemEnd);
    }
    break;
  }
  // Step 5a
  if (st.w.endsWith('e')) {
    const m = measure(st.w, st.w.length - 1);
    if (m > 1 || (m === 1 && !cvc(st.w, st.w.length - 1))) st.w = st.w.slice(0, -1);
  }
  // Step 5b
  if (measure(st.w, st.w.length) > 1 && endsDoubleConsonant(st.w, st.w.length) && st.w.endsWith('l'))
    st.w = st.w.slice(0, -1);
  return st.w;
}
