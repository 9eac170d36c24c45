// pod-template-hash: a short, stable name for a pod template, in Kubernetes' safe alphabet.

import { createHash } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

export function randomSuffix(n = 5): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return out;
}
