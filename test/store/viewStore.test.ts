import { describe, expect, it } from 'vitest';
import { createViewStore, DEFAULT_ISOTHERMS_C } from '../../src/store/viewStore.ts';

describe('view store', () => {
  it('moves the slice cursor by axis and ignores non-numbers', () => {
    const v = createViewStore();
    v.getState().setSliceCoordinate('y', 12.5);
    v.getState().setSliceCoordinate('z', Number.NaN);
    expect(v.getState().sliceCursorMm).toEqual([0, 12.5, 0]);
    v.getState().setSliceCursor([1, 2, 3]);
    expect(v.getState().sliceCursorMm).toEqual([1, 2, 3]);
  });

  it('toggles isotherms, keeping them ordered warm to cold', () => {
    const v = createViewStore();
    expect(v.getState().visibleIsotherms_C).toEqual([...DEFAULT_ISOTHERMS_C]);
    v.getState().toggleIsotherm(-20);
    expect(v.getState().visibleIsotherms_C).toEqual([0, -40]);
    v.getState().toggleIsotherm(-30);
    v.getState().toggleIsotherm(-20);
    expect(v.getState().visibleIsotherms_C).toEqual([0, -20, -30, -40]);
  });

  it('edits the clip plane partially', () => {
    const v = createViewStore();
    v.getState().setClip({ enabled: true, offsetMm: 4 });
    expect(v.getState().clip).toEqual({ enabled: true, axis: 'y', offsetMm: 4 });
  });
});
