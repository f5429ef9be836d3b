import type { ViewProps } from '../view-props.ts';

export function MixView(_props: ViewProps) {
  return (
    <section className="view">
      <h2>Content-mix drift</h2>
    </section>
  );
}
