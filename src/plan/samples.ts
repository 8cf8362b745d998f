/**
 * The sample plans shipped in public/cases (data only). `file` is relative to public/, so the app
 * fetches `${import.meta.env.BASE_URL}${file}` and Node code reads `public/${file}`.
 */

export interface SampleCase {
  id: string;
  title: string;
  /** Path relative to public/. */
  file: string;
  description: string;
}

export const sampleCases: readonly SampleCase[] = [
  {
    id: 'gel-single-probe',
    title: 'Gel phantom, one probe',
    file: 'cases/gel-single-probe.cryoplan.json',
    description:
      'One 13G (2.4 mm) argon probe in gel at 37 °C, 10-min freeze, thermocouples 5/10/15/20 mm from the probe.',
  },
  {
    id: 'renal-2probe',
    title: 'Kidney, two probes',
    file: 'cases/renal-2probe.cryoplan.json',
    description:
      '2.5 cm renal tumour, two 13G argon probes 12 mm apart, bowel nearby and the renal vein as a heat sink; 10-8-10, passive thaw.',
  },
  {
    id: 'liver-3probe',
    title: 'Liver, three probes',
    file: 'cases/liver-3probe.cryoplan.json',
    description:
      '3 cm liver tumour, three 13G argon probes in a 15 mm triangle, a hepatic vein 10 mm from the tumour; 10-8-10, passive thaw.',
  },
  {
    id: 'breast-ln2',
    title: 'Breast, liquid nitrogen',
    file: 'cases/breast-ln2.cryoplan.json',
    description:
      '1.2 cm breast lesion, one 10G liquid-nitrogen probe parallel to the skin; 10-10-10, passive thaw.',
  },
];

export function findSample(id: string): SampleCase | undefined {
  return sampleCases.find((s) => s.id === id);
}
