/**
 * Dictionary-based Indonesian stemmer: Enhanced Confix Stripping (Nazief & Adriani 1996, Asian 2007,
 * Arifin et al. 2009) with the rules and precedence adjustments added by Sastrawi (MIT). This is a
 * reimplementation that follows PySastrawi's control flow step by step, so results match Sastrawi
 * with the same root-word dictionary; the one deliberate difference is that words of 3 characters
 * or fewer are always returned unchanged.
 *
 * Flow for one word: (1) stop if it is a root word; (2) precedence adjustment: for be-…-lah, be-…-an,
 * me-…-i, di-…-i, pe-…-i, ter-…-i, try prefixes before suffixes; (3) remove inflectional particles
 * (-lah -kah -tah -pun), possessive pronouns (-ku -mu -nya) and derivational suffixes (-i -kan -an,
 * and -is -isme -isasi); (4) up to three rounds of prefix removal, each trying the plain prefixes
 * (di- ke- se-) then the disambiguation rules 1–42 in order; (5) "loop pengembalian akhiran":
 * put the suffixes back one at a time (and -kan as -k) and retry the prefixes. The result is the
 * first candidate found in the dictionary, else the original word.
 */

const C = 'bcdfghjklmnpqrstvwxyz';
const V = 'aiueo';

/** One ECS prefix disambiguation rule: returns the candidate root, or `undefined` when it does not apply. */
export type EcsRule = (word: string) => string | undefined;

const re = (source: string): RegExp => new RegExp(source.replace(/C/g, `[${C}]`).replace(/V/g, `[${V}]`));

function rx(pattern: RegExp, build: (m: RegExpExecArray) => string | undefined): EcsRule {
  return (word) => {
    const m = pattern.exec(word);
    return m ? build(m) : undefined;
  };
}

const g = (m: RegExpExecArray, i: number): string => m[i] ?? '';

/**
 * The prefix disambiguation rules, grouped as Sastrawi groups them: inside a group the first
 * candidate found in the dictionary wins, else the last rule's candidate is used.
 * Rule numbers follow the ECS papers and Sastrawi's class names.
 */
export const ECS_RULE_GROUPS: ReadonlyArray<{ name: string; rules: readonly EcsRule[] }> = [
  // 1: berV → ber-V | be-rV
  { name: '1', rules: [rx(re('^ber(V.*)$'), (m) => g(m, 1)), rx(re('^ber(V.*)$'), (m) => `r${g(m, 1)}`)] },
  // 2: berCAP → ber-CAP where C != r and P != er
  {
    name: '2',
    rules: [rx(re('^ber(C)([a-z])(.*)'), (m) => (/^er/.test(g(m, 3)) ? undefined : g(m, 1) + g(m, 2) + g(m, 3)))],
  },
  // 3: berCAerV → ber-CAerV where C != r
  {
    name: '3',
    rules: [
      rx(re('^ber(C)([a-z])er(V)(.*)'), (m) =>
        g(m, 1) === 'r' ? undefined : `${g(m, 1)}${g(m, 2)}er${g(m, 3)}${g(m, 4)}`,
      ),
    ],
  },
  // 4: belajar → bel-ajar
  { name: '4', rules: [(w) => (w === 'belajar' ? 'ajar' : undefined)] },
  // 5: beC1erC2 → be-C1erC2 where C1 != r
  {
    name: '5',
    rules: [rx(/^be([bcdfghjklmnpqstvwxyz])(er[bcdfghjklmnpqrstvwxyz])(.*)$/, (m) => g(m, 1) + g(m, 2) + g(m, 3))],
  },
  // 6: terV → ter-V | te-rV
  { name: '6', rules: [rx(re('^ter(V.*)$'), (m) => g(m, 1)), rx(re('^ter(V.*)$'), (m) => `r${g(m, 1)}`)] },
  // 7: terCerV → ter-CerV where C != r
  { name: '7', rules: [rx(re('^ter(C)er(V.*)$'), (m) => (g(m, 1) === 'r' ? undefined : `${g(m, 1)}er${g(m, 2)}`))] },
  // 8: terCP → ter-CP where C != r and P != er
  {
    name: '8',
    rules: [rx(re('^ter(C)(.*)$'), (m) => (g(m, 1) === 'r' || /^er/.test(g(m, 2)) ? undefined : g(m, 1) + g(m, 2)))],
  },
  // 9: teC1erC2 → te-C1erC2 where C1 != r
  {
    name: '9',
    rules: [rx(re('^te(C)er(C)(.*)$'), (m) => (g(m, 1) === 'r' ? undefined : `${g(m, 1)}er${g(m, 2)}${g(m, 3)}`))],
  },
  // 10: me{l|r|w|y}V → me-{l|r|w|y}V
  { name: '10', rules: [rx(re('^me([lrwy])(V)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3))] },
  // 11: mem{b|f|v} → mem-{b|f|v}
  { name: '11', rules: [rx(/^mem([bfv])(.*)$/, (m) => g(m, 1) + g(m, 2))] },
  // 12: mempe → mem-pe (mempengaruhi)
  { name: '12', rules: [rx(/^mempe(.*)$/, (m) => `pe${g(m, 1)}`)] },
  // 13: mem{rV|V} → me-m{rV|V} | me-p{rV|V}
  {
    name: '13',
    rules: [
      rx(re('^mem(V)(.*)$'), (m) => `m${g(m, 1)}${g(m, 2)}`),
      rx(re('^mem(V)(.*)$'), (m) => `p${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 14: men{c|d|j|s|t|z} → men-{c|d|j|s|t|z}
  { name: '14', rules: [rx(/^men([cdjstz])(.*)$/, (m) => g(m, 1) + g(m, 2))] },
  // 15: menV → me-nV | me-tV
  {
    name: '15',
    rules: [
      rx(re('^men(V)(.*)$'), (m) => `n${g(m, 1)}${g(m, 2)}`),
      rx(re('^men(V)(.*)$'), (m) => `t${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 16: meng{g|h|q|k} → meng-{g|h|q|k}
  { name: '16', rules: [rx(/^meng([ghqk])(.*)$/, (m) => g(m, 1) + g(m, 2))] },
  // 17: mengV → meng-V | meng-kV | (menge → meng-e-, V = e) | me-ngV
  {
    name: '17',
    rules: [
      rx(re('^meng(V)(.*)$'), (m) => g(m, 1) + g(m, 2)),
      rx(re('^meng(V)(.*)$'), (m) => `k${g(m, 1)}${g(m, 2)}`),
      rx(/^menge(.*)$/, (m) => g(m, 1)),
      rx(re('^meng(V)(.*)$'), (m) => `ng${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 18: menyV → me-nyV | meny-sV
  {
    name: '18',
    rules: [
      rx(re('^meny(V)(.*)$'), (m) => `ny${g(m, 1)}${g(m, 2)}`),
      rx(re('^meny(V)(.*)$'), (m) => `s${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 19: mempA → mem-pA where A != e
  { name: '19', rules: [rx(/^memp([abcdfghijklmopqrstuvwxyz])(.*)$/, (m) => `p${g(m, 1)}${g(m, 2)}`)] },
  // 20: pe{w|y}V → pe-{w|y}V
  { name: '20', rules: [rx(re('^pe([wy])(V)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3))] },
  // 21: perV → per-V | pe-rV
  {
    name: '21',
    rules: [rx(re('^per(V)(.*)$'), (m) => g(m, 1) + g(m, 2)), rx(re('^pe(rV)(.*)$'), (m) => g(m, 1) + g(m, 2))],
  },
  // 23: perCAP → per-CAP where C != r and P != er
  {
    name: '23',
    rules: [rx(re('^per(C)([a-z])(.*)$'), (m) => (/^er/.test(g(m, 3)) ? undefined : g(m, 1) + g(m, 2) + g(m, 3)))],
  },
  // 24: perCAerV → per-CAerV where C != r
  {
    name: '24',
    rules: [
      rx(re('^per(C)([a-z])er(V)(.*)$'), (m) =>
        g(m, 1) === 'r' ? undefined : `${g(m, 1)}${g(m, 2)}er${g(m, 3)}${g(m, 4)}`,
      ),
    ],
  },
  // 25: pem{b|f|v} → pem-{b|f|v}
  { name: '25', rules: [rx(/^pem([bfv])(.*)$/, (m) => g(m, 1) + g(m, 2))] },
  // 26: pem{rV|V} → pe-m{rV|V} | pe-p{rV|V}
  {
    name: '26',
    rules: [
      rx(re('^pem(V)(.*)$'), (m) => `m${g(m, 1)}${g(m, 2)}`),
      rx(re('^pem(V)(.*)$'), (m) => `p${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 27: pen{c|d|j|s|t|z} → pen-{c|d|j|s|t|z}
  { name: '27', rules: [rx(/^pen([cdjstz])(.*)$/, (m) => g(m, 1) + g(m, 2))] },
  // 28: penV → pe-nV | pe-tV
  {
    name: '28',
    rules: [
      rx(re('^pen(V)(.*)$'), (m) => `n${g(m, 1)}${g(m, 2)}`),
      rx(re('^pen(V)(.*)$'), (m) => `t${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 29: pengC → peng-C
  { name: '29', rules: [rx(re('^peng(C)(.*)$'), (m) => g(m, 1) + g(m, 2))] },
  // 30: pengV → peng-V | peng-kV | (penge → peng-e-, V = e)
  {
    name: '30',
    rules: [
      rx(re('^peng(V)(.*)$'), (m) => g(m, 1) + g(m, 2)),
      rx(re('^peng(V)(.*)$'), (m) => `k${g(m, 1)}${g(m, 2)}`),
      rx(/^penge(.*)$/, (m) => g(m, 1)),
    ],
  },
  // 31: penyV → pe-nyV | peny-sV
  {
    name: '31',
    rules: [
      rx(re('^peny(V)(.*)$'), (m) => `ny${g(m, 1)}${g(m, 2)}`),
      rx(re('^peny(V)(.*)$'), (m) => `s${g(m, 1)}${g(m, 2)}`),
    ],
  },
  // 32: pelV → pe-lV, except pelajar → ajar
  { name: '32', rules: [(w) => (w === 'pelajar' ? 'ajar' : rx(re('^pe(lV)(.*)$'), (m) => g(m, 1) + g(m, 2))(w))] },
  // 34: peCP → pe-CP where C != {r|w|y|l|m|n} and P != er
  { name: '34', rules: [rx(re('^pe(C)(.*)$'), (m) => (/^er/.test(g(m, 2)) ? undefined : g(m, 1) + g(m, 2)))] },
  // 35: terC1erC2 → ter-C1erC2 where C1 != r
  {
    name: '35',
    rules: [rx(re('^ter([bcdfghjkpqstvxz])(er[bcdfghjklmnpqrstvwxyz])(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3))],
  },
  // 36: peC1erC2 → pe-C1erC2 where C1 != {r|w|y|l|m|n}
  {
    name: '36',
    rules: [rx(re('^pe([bcdfghjkpqstvxz])(er[bcdfghjklmnpqrstvwxyz])(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3))],
  },
  // 37–40: infixes -er- -el- -em- -in-: CerV → CerV | CV, and so on
  {
    name: '37',
    rules: [
      rx(re('^(C)(erV)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
      rx(re('^(C)er(V)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
    ],
  },
  {
    name: '38',
    rules: [
      rx(re('^(C)(elV)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
      rx(re('^(C)el(V)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
    ],
  },
  {
    name: '39',
    rules: [
      rx(re('^(C)(emV)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
      rx(re('^(C)em(V)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
    ],
  },
  {
    name: '40',
    rules: [
      rx(re('^(C)(inV)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
      rx(re('^(C)in(V)(.*)$'), (m) => g(m, 1) + g(m, 2) + g(m, 3)),
    ],
  },
  // 41, 42 (Sastrawi): ku-A, kau-A
  { name: '41', rules: [rx(/^ku(.*)$/, (m) => g(m, 1))] },
  { name: '42', rules: [rx(/^kau(.*)$/, (m) => g(m, 1))] },
];

type AffixType = 'DP' | 'DS' | 'PP' | 'P';

interface Removal {
  subject: string;
  result: string;
  removed: string;
  type: AffixType;
}

const PARTICLE = /-*(lah|kah|tah|pun)$/;
const POSSESSIVE = /-*(ku|mu|nya)$/;
const DERIVATIONAL = /(is|isme|isasi|i|kan|an)$/;
const PLAIN_PREFIX = /^(di|ke|se)/;
const PRECEDENCE = [/^be(.*)lah$/, /^be(.*)an$/, /^me(.*)i$/, /^di(.*)i$/, /^pe(.*)i$/, /^ter(.*)i$/];

/** One stemming run (Sastrawi's Context). */
class EcsContext {
  current: string;
  removals: Removal[] = [];

  constructor(
    readonly original: string,
    readonly dict: ReadonlySet<string>,
  ) {
    this.current = original;
  }

  execute(): string {
    this.run();
    return this.dict.has(this.current) ? this.current : this.original;
  }

  private run(): void {
    const dict = this.dict;
    if (dict.has(this.current)) return;
    if (PRECEDENCE.some((p) => p.test(this.original))) {
      this.removePrefixes();
      if (dict.has(this.current)) return;
      this.removeSuffixes();
      if (dict.has(this.current)) return;
      this.current = this.original;
      this.removals = [];
    }
    this.removeSuffixes();
    if (dict.has(this.current)) return;
    this.removePrefixes();
    if (dict.has(this.current)) return;
    this.loopPengembalianAkhiran();
  }

  private strip(pattern: RegExp, type: AffixType, fromStart = false): void {
    const result = this.current.replace(pattern, '');
    if (result !== this.current) {
      const removed = fromStart
        ? this.current.slice(0, this.current.length - result.length)
        : this.current.slice(result.length);
      this.removals.push({ subject: this.current, result, removed, type });
      this.current = result;
    }
  }

  private removeSuffixes(): void {
    for (const [pattern, type] of [
      [PARTICLE, 'P'],
      [POSSESSIVE, 'PP'],
      [DERIVATIONAL, 'DS'],
    ] as const) {
      this.strip(pattern, type);
      if (this.dict.has(this.current)) return;
    }
  }

  private removePrefixes(): void {
    for (let i = 0; i < 3; i++) {
      this.prefixRound();
      if (this.dict.has(this.current)) return;
    }
  }

  /** One round: plain prefixes, then each rule group, stopping at the first removal. */
  private prefixRound(): void {
    const before = this.removals.length;
    this.strip(PLAIN_PREFIX, 'DP', true);
    if (this.dict.has(this.current) || this.removals.length > before) return;
    for (const group of ECS_RULE_GROUPS) {
      let result: string | undefined;
      for (const rule of group.rules) {
        result = rule(this.current);
        if (result !== undefined && this.dict.has(result)) break;
      }
      if (result !== undefined) {
        const idx = this.current.indexOf(result);
        const removed = idx < 0 ? this.current : this.current.slice(0, idx) + this.current.slice(idx + result.length);
        this.removals.push({ subject: this.current, result, removed, type: 'DP' });
        this.current = result;
      }
      if (this.dict.has(this.current) || this.removals.length > before) return;
    }
  }

  private loopPengembalianAkhiran(): void {
    // restore the word before any prefix was removed, and forget prefix removals
    if (this.removals.length > 0) this.current = (this.removals[0] as Removal).subject;
    this.removals = this.removals.filter((r) => r.type !== 'DP');
    const suffixRemovals = [...this.removals].reverse();
    const saved = this.current;
    const savedRemovals = [...this.removals];
    for (const removal of suffixRemovals) {
      if (removal.removed === 'kan') {
        this.current = `${removal.result}k`;
        this.removePrefixes();
        if (this.dict.has(this.current)) return;
        this.current = `${removal.result}kan`;
      } else {
        this.current = removal.subject;
      }
      this.removePrefixes();
      if (this.dict.has(this.current)) return;
      this.removals = [...savedRemovals];
      this.current = saved;
    }
  }
}

const PLURAL_SUFFIXED = /^(.*)-(ku|mu|nya|lah|kah|tah|pun)$/;
const LAST_HYPHEN = /^(.*)-(.*)$/;
const PLURAL_SUFFIXES = new Set(['ku', 'mu', 'nya', 'lah', 'kah', 'tah', 'pun']);

/**
 * Stems one lower-case word with ECS against `dict`. Reduplicated words (`buku-buku`,
 * `berbalas-balasan`) are stemmed part by part and collapse to the common root when both parts agree.
 */
export function ecsStem(word: string, dict: ReadonlySet<string>): string {
  if (isPlural(word)) return stemPlural(word, dict);
  return stemSingular(word, dict);
}

function stemSingular(word: string, dict: ReadonlySet<string>): string {
  // Deliberate difference from PySastrawi, whose short-word check only stops some visitors.
  if (word.length <= 3) return word;
  return new EcsContext(word, dict).execute();
}

function isPlural(word: string): boolean {
  const m = PLURAL_SUFFIXED.exec(word);
  if (m) return g(m, 1).includes('-');
  return word.includes('-');
}

function stemPlural(plural: string, dict: ReadonlySet<string>): string {
  const m = LAST_HYPHEN.exec(plural);
  if (!m) return plural;
  const words = [g(m, 1), g(m, 2)] as [string, string];
  // malaikat-malaikat-nya → malaikat, malaikat-nya
  const suffix = words[1];
  const inner = LAST_HYPHEN.exec(words[0]);
  if (PLURAL_SUFFIXES.has(suffix) && inner) {
    words[0] = g(inner, 1);
    words[1] = `${g(inner, 2)}-${suffix}`;
  }
  const root1 = stemSingular(words[0], dict);
  let root2 = stemSingular(words[1], dict);
  // meniru-nirukan → tiru
  if (!dict.has(words[1]) && root2 === words[1]) root2 = stemSingular(`me${words[1]}`, dict);
  return root1 === root2 ? root1 : plural;
}
