/**
 * The real corpus of the Word2Vec tests and benchmark: SmSA training reviews (already lower-cased
 * and space-tokenized) plus EmoT training tweets (lower-cased here, split into word tokens).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `../shared/data` relative to the repository root. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

/** SmSA training sentences as token arrays (`limit` = first N lines). */
export function smsaSentences(limit = Number.POSITIVE_INFINITY): string[][] {
  const lines = readFileSync(`${SHARED_DATA}smsa/train_preprocess.tsv`, 'utf8').split('\n');
  const out: string[][] = [];
  for (const line of lines) {
    if (out.length >= limit) break;
    const text = line.slice(0, line.lastIndexOf('\t')).trim();
    if (text) out.push(text.split(/\s+/));
  }
  return out;
}

/** EmoT training tweets, lower-cased and split into word tokens (letters/digits, inner - and '). */
export function emotSentences(): string[][] {
  const raw = readFileSync(`${SHARED_DATA}emot/train_preprocess.csv`, 'utf8');
  const out: string[][] = [];
  // label,tweet with RFC 4180 quoting; tweets may contain commas and quotes.
  let i = raw.indexOf('\n') + 1;
  while (i < raw.length) {
    const comma = raw.indexOf(',', i);
    if (comma === -1) break;
    let text: string;
    let next: number;
    if (raw[comma + 1] === '"') {
      let j = comma + 2;
      let s = '';
      for (;;) {
        const q = raw.indexOf('"', j);
        if (q === -1) {
          s += raw.slice(j);
          j = raw.length;
          break;
        }
        s += raw.slice(j, q);
        if (raw[q + 1] === '"') {
          s += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      text = s;
      next = raw.indexOf('\n', j);
    } else {
      next = raw.indexOf('\n', comma);
      text = raw.slice(comma + 1, next === -1 ? raw.length : next);
    }
    const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu);
    if (tokens) out.push(tokens);
    if (next === -1) break;
    i = next + 1;
  }
  return out;
}

/** SmSA + EmoT training text. */
export function realCorpus(): string[][] {
  return [...smsaSentences(), ...emotSentences()];
}
