/**
 * A plan as a link: `#plan=<base64url of deflate(JSON)>` (CompressionStream, built into browsers
 * and Node ≥ 18). The plan travels in the URL fragment, which browsers never send to a server.
 */

import type { Plan, ParseResult } from '../plan/types.ts';
import { parsePlanText, serializePlan } from '../plan/parse.ts';

const PREFIX = 'plan=';

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The URL fragment (with '#') that carries `plan`. */
export async function encodePlanHash(plan: Plan): Promise<string> {
  const json = new TextEncoder().encode(serializePlan(plan));
  return `#${PREFIX}${toBase64Url(await pipe(json, new CompressionStream('deflate')))}`;
}

/** The plan in a URL fragment: null when the fragment carries none, else the parse result. */
export async function decodePlanHash(hash: string): Promise<ParseResult | null> {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith(PREFIX)) return null;
  let text: string;
  try {
    const bytes = await pipe(fromBase64Url(body.slice(PREFIX.length)), new DecompressionStream('deflate'));
    text = new TextDecoder().decode(bytes);
  } catch {
    return { ok: false, issues: [{ path: '(link)', message: 'the shared link is damaged (it does not decode to a plan)' }] };
  }
  return parsePlanText(text);
}
