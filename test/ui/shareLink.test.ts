import { describe, expect, it } from 'vitest';
import { decodePlanHash, encodePlanHash, fromBase64Url, toBase64Url } from '../../src/app/shareLink.ts';
import { serializePlan } from '../../src/plan/parse.ts';
import { twoProbePlan } from '../store/fixtures.ts';

describe('share link', () => {
  it('base64url round-trips every byte value without padding or + /', () => {
    const bytes = new Uint8Array(256 * 3).map((_, i) => i % 256);
    const text = toBase64Url(bytes);
    expect(text).not.toMatch(/[+/=]/);
    expect(fromBase64Url(text)).toEqual(bytes);
  });

  it('a plan survives #plan=<base64url(deflate(JSON))> exactly', async () => {
    const plan = twoProbePlan();
    const hash = await encodePlanHash(plan);
    expect(hash).toMatch(/^#plan=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(serializePlan(plan).length); // compressed
    const back = await decodePlanHash(hash);
    expect(back?.ok).toBe(true);
    if (back?.ok) expect(serializePlan(back.plan)).toBe(serializePlan(plan));
  });

  it('no plan in the fragment gives null; a damaged one gives an issue, not an exception', async () => {
    expect(await decodePlanHash('')).toBeNull();
    expect(await decodePlanHash('#other=1')).toBeNull();
    const bad = await decodePlanHash('#plan=not-deflate-data');
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) expect(bad.issues[0].path).toBe('(link)');
  });

  it('a link carrying an invalid plan reports its field paths', async () => {
    const plan = { ...twoProbePlan(), lethal_C: 12 };
    const back = await decodePlanHash(await encodePlanHash(plan));
    expect(back?.ok).toBe(false);
    if (back && !back.ok) expect(back.issues.map((i) => i.path)).toContain('lethal_C');
  });
});
