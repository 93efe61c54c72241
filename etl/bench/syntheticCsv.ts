import { closeSync, openSync, writeSync } from 'node:fs';

const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'BR', 'JP', 'ES', 'IT', 'NL', 'CA', 'MX', 'PL', 'SE', 'AU', 'KR', 'TR', 'AR', 'BE', 'CH', 'AT', 'NO', 'DK', 'FI', 'PT'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'de', 'po', 'an', 'el', 'or', 'is', 'um', 'ex'];
/** 256 pseudo-words, so free text has realistic (high) cardinality. */
const WORDS = Array.from({ length: 256 }, (_, index) => `${SYLLABLES[index % 16]}${SYLLABLES[(index >> 4) % 16]}${index % 3 === 0 ? 'n' : ''}`);
const START_MS = Date.UTC(2024, 0, 1);
const FLUSH_CHARS = 1 << 20;

export const HEADER = 'id,event_time,country,amount,is_member,comment';

/** mulberry32: fast, seeded, good enough for test data (Math.random would make runs differ). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a CSV of about `bytes` bytes with the columns of a typical event export: a sequential id, an ISO-8601
 * timestamp (increasing with jitter), a skewed country code, an amount with 2 decimals (1% empty), a boolean, and free
 * text (1% empty; a quarter quoted with commas, some with doubled quotes). Returns the number of data rows.
 */
export function writeSyntheticCsv(path: string, bytes: number): number {
  const next = random(42);
  const file = openSync(path, 'w');
  let written = 0;
  let rows = 0;
  let time = START_MS;
  let text = `${HEADER}\n`;
  try {
    while (written + text.length < bytes) {
      rows++;
      time += Math.floor(next() * 2000);
      const country = COUNTRIES[Math.floor(next() * next() * COUNTRIES.length)];
      const amount = next() < 0.01 ? '' : (next() * 5000).toFixed(2);
      const member = next() < 0.5 ? 'true' : 'false';
      text += `${rows},${new Date(time).toISOString()},${country},${amount},${member},${comment(next)}\n`;
      if (text.length >= FLUSH_CHARS) {
        written += writeSync(file, text);
        text = '';
      }
    }
    written += writeSync(file, text);
  } finally {
    closeSync(file);
  }
  return rows;
}

function comment(next: () => number): string {
  const kind = next();
  if (kind < 0.01) return '';
  const words: string[] = [];
  const count = 3 + Math.floor(next() * 10);
  for (let index = 0; index < count; index++) words.push(WORDS[Math.floor(next() * WORDS.length)]!);
  if (next() < 0.2) words.push(String(Math.floor(next() * 100_000)));
  if (kind < 0.05) return `"${words.join(' ')}, said ""${WORDS[Math.floor(next() * WORDS.length)]}"""`;
  if (kind < 0.25) return `"${words.slice(0, 2).join(' ')}, ${words.slice(2).join(' ')}"`;
  return words.join(' ');
}
