// Placeholder until the playground lands (helper U3 replaces this file).
export function Playground() {
  return (
    <section aria-label="Playground" className="card">
      <h2>Playground</h2>
    </section>
  );
}
