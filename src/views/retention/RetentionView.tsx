import type { ViewProps } from '../view-props.ts';

export function RetentionView(_props: ViewProps) {
  return (
    <section className="view">
      <h2>Cohort retention</h2>
    </section>
  );
}
