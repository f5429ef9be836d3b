/**
 * Labels that never overlap: each label (centre x, width) goes on the first row where it clears
 * the labels already there by a gap; labels that fit on no row are left out (their element still
 * carries the text for screen readers and tooltips).
 */
export interface LabelBox {
  x: number;
  width: number;
}

/** The row of each label (0 = nearest the plot), or -1 when it fits on none of `rows`. */
export function layoutLabels(labels: readonly LabelBox[], rows = 3, gap = 4): number[] {
  const ends: { left: number; right: number }[][] = Array.from({ length: rows }, () => []);
  const order = labels.map((_, i) => i).sort((a, b) => (labels[a]?.x ?? 0) - (labels[b]?.x ?? 0));
  const out = labels.map(() => -1);
  for (const i of order) {
    const l = labels[i] as LabelBox;
    const left = l.x - l.width / 2;
    const right = l.x + l.width / 2;
    for (let r = 0; r < rows; r++) {
      const row = ends[r] as { left: number; right: number }[];
      if (row.every((b) => right + gap <= b.left || left >= b.right + gap)) {
        row.push({ left, right });
        out[i] = r;
        break;
      }
    }
  }
  return out;
}

/** Rough text width in px: wide (CJK, emoji) characters 1 em, others about 0.6 em. */
export function estimateWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.6;
  return em * fontSize;
}
