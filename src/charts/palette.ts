/** Colours that keep their contrast in light and dark themes (Okabe-Ito, colour-blind safe). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#7f7f7f',
  '#999999',
  '#332288',
];
export const colorAt = (i: number) => PALETTE[i % PALETTE.length] as string;
export const GROUP_COLORS = { all: '#7f7f7f', new: '#D55E00', existing: '#0072B2' } as const;
