/**
 * Dictionary-free Indonesian stemmer: the Tala (2003) algorithm as specified by Snowball's
 * `indonesian.sbl`, reimplemented here. It needs no word list, so it ships with the package; it
 * overstems more than the dictionary-based ECS stemmer (`nilai` → `nila`).
 *
 * The "measure" is the number of vowels; nothing is removed from words with two vowels or fewer,
 * and every removal lowers the measure by one.
 */

const isVowel = (c: string | undefined): boolean => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u';

function countVowels(word: string): number {
  let n = 0;
  for (let i = 0; i < word.length; i++) if (isVowel(word[i])) n++;
  return n;
}

/** Prefix kinds, as in the Snowball source: 1 di/me/ter, 2 per/pe, 3 ke/peng, 4 ber. */
type PrefixKind = 0 | 1 | 2 | 3 | 4;

interface State {
  word: string;
  measure: number;
  prefix: PrefixKind;
  /**
   * Where a second-order prefix may start. Snowball leaves its cursor after the replacement letter
   * when meny-/peny-/mem-/pem- become s-/p-, so no second-order prefix can follow those.
   */
  cursor: number;
}

function removeParticle(s: State): void {
  if (s.word.endsWith('kah') || s.word.endsWith('lah') || s.word.endsWith('pun')) {
    s.word = s.word.slice(0, -3);
    s.measure--;
  }
}

function removePossessive(s: State): void {
  if (s.word.endsWith('nya')) {
    s.word = s.word.slice(0, -3);
    s.measure--;
  } else if (s.word.endsWith('ku') || s.word.endsWith('mu')) {
    s.word = s.word.slice(0, -2);
    s.measure--;
  }
}

/** -kan unless the prefix was ke/peng (3) or per/pe (2); -an unless di/me/ter (1); -i after prefix ≤ 2, not after s. */
function removeSuffix(s: State): boolean {
  const w = s.word;
  if (w.endsWith('kan') && s.prefix !== 3 && s.prefix !== 2) {
    s.word = w.slice(0, -3);
  } else if (w.endsWith('an') && s.prefix !== 1) {
    s.word = w.slice(0, -2);
  } else if (w.endsWith('i') && s.prefix <= 2 && w[w.length - 2] !== 's') {
    s.word = w.slice(0, -1);
  } else return false;
  s.measure--;
  return true;
}

function removeFirstOrderPrefix(s: State): boolean {
  const w = s.word;
  const set = (rest: string, prefix: PrefixKind, cursor = 0): true => {
    s.word = rest;
    s.cursor = cursor;
    s.prefix = prefix;
    s.measure--;
    return true;
  };
  // Longest match first, as Snowball's `among` does; meny/peny need a vowel next, else fall back to men/pen.
  if (w.startsWith('meng')) return set(w.slice(4), 1);
  if (w.startsWith('meny') && isVowel(w[4])) return set(`s${w.slice(4)}`, 1, 1);
  if (w.startsWith('peng')) return set(w.slice(4), 3);
  if (w.startsWith('peny') && isVowel(w[4])) return set(`s${w.slice(4)}`, 3, 1);
  if (w.startsWith('mem')) return isVowel(w[3]) ? set(`p${w.slice(3)}`, 1, 1) : set(w.slice(3), 1);
  if (w.startsWith('men')) return set(w.slice(3), 1);
  if (w.startsWith('pem')) return isVowel(w[3]) ? set(`p${w.slice(3)}`, 3, 1) : set(w.slice(3), 3);
  if (w.startsWith('pen')) return set(w.slice(3), 3);
  if (w.startsWith('ter')) return set(w.slice(3), 1);
  if (w.startsWith('di') || w.startsWith('me')) return set(w.slice(2), 1);
  if (w.startsWith('ke')) return set(w.slice(2), 3);
  return false;
}

function removeSecondOrderPrefix(s: State): boolean {
  if (s.cursor !== 0) return false;
  const w = s.word;
  if (w.startsWith('belajar')) {
    s.word = `ajar${w.slice(7)}`;
    s.prefix = 4;
  } else if (w.startsWith('pelajar')) {
    // Snowball leaves the prefix kind unchanged here.
    s.word = `ajar${w.slice(7)}`;
  } else if (w.startsWith('ber')) {
    s.word = w.slice(3);
    s.prefix = 4;
  } else if (w.startsWith('per')) {
    s.word = w.slice(3);
    s.prefix = 2;
  } else if (w.startsWith('be') && w.length >= 5 && !isVowel(w[2]) && w[3] === 'e' && w[4] === 'r') {
    // be + consonant + er: bekerja → kerja
    s.word = w.slice(2);
    s.prefix = 4;
  } else if (w.startsWith('pe')) {
    s.word = w.slice(2);
    s.prefix = 2;
  } else return false;
  s.measure--;
  return true;
}

/**
 * Stems one lower-case word with the Tala/Snowball Indonesian algorithm.
 *
 * @example
 * ```ts
 * talaStem('pembangunan'); // → 'bangun'
 * talaStem('bukunya'); // → 'buku'
 * ```
 */
export function talaStem(word: string): string {
  const s: State = { word, measure: countVowels(word), prefix: 0, cursor: 0 };
  if (s.measure <= 2) return word;
  removeParticle(s);
  if (s.measure <= 2) return s.word;
  removePossessive(s);
  if (s.measure <= 2) return s.word;
  if (removeFirstOrderPrefix(s)) {
    if (s.measure > 2 && removeSuffix(s) && s.measure > 2) removeSecondOrderPrefix(s);
  } else {
    removeSecondOrderPrefix(s);
    if (s.measure > 2) removeSuffix(s);
  }
  return s.word;
}
